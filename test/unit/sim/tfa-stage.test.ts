import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../main/core/clock.js';
import {
  SimulatedBus,
  createSimulatedBoard,
  type SimSoc,
  type SimulatedBoardOptions,
} from '../../../main/sim/index.js';
import { fipImage, fsblImage, pseudoRandomBytes, tsv, wrapLayout } from './helpers/images.js';
import {
  abort,
  clrStatus,
  dnload,
  getPhase,
  getPhaseRaw,
  getStatus,
  hexBytes,
  selectAlt,
  upload,
} from './helpers/raw-dfu.js';
import { bringTo, downloadRaw, isUboot, type Driven } from './helpers/test-host.js';

let bus: SimulatedBus | null = null;
let clock: VirtualClock;
afterEach(async () => {
  await bus?.close();
  bus = null;
});

const LAYOUT_TSV = tsv([['P', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x00004400', 'r']]);

async function tfa(soc: SimSoc, options: Partial<SimulatedBoardOptions> = {}): Promise<Driven> {
  clock = new VirtualClock({ autoAdvance: true });
  bus = new SimulatedBus({ clock });
  const board = createSimulatedBoard({ soc, ...options });
  return bringTo(bus, clock, board, 'tfa', {
    fsbl: fsblImage(soc),
    fip: fipImage(),
    layout: wrapLayout(LAYOUT_TSV),
  });
}

const board = () => bus!.plugged()[0]!;

describe('TF-A stage (§3.3, §9.2)', () => {
  it('reports dfuDNLOAD-SYNC then dfuDNLOAD-IDLE, dfuMANIFEST with bwPollTimeout 1, then the detach request', async () => {
    const { t } = await tfa('mp13');
    const seen = await downloadRaw(t, clock, 0, fipImage(1500), 1024);
    expect(seen.map((s) => `${s.state}/${s.pollMs}`)).toEqual(['3/0', '5/0', '3/0', '5/0', '7/1', '2/0']);
    expect(hexBytes(await getPhaseRaw(t))).toBe('00 FF FF FF FF 00 00 00 00 01');
  });

  it('GetPhase before the FIP shows the buffer pointer, which advances with the download', async () => {
    const { t } = await tfa('mp15');
    expect(hexBytes(await getPhaseRaw(t))).toBe('03 00 00 00 C7 00 00 00 00');
    await selectAlt(t, 3);
    await dnload(t, 0, new Uint8Array(1024).fill(1));
    await getStatus(t);
    await getStatus(t);
    await abort(t);
    expect(hexBytes(await getPhaseRaw(t))).toBe('03 00 04 00 C7 00 00 00 00');
  });

  it('CLRSTATUS outside dfuERROR puts TF-A in dfuERROR/errUNKNOWN: the trap (§3.3, §7 #12)', async () => {
    const { t } = await tfa('mp25');
    expect(await clrStatus(t)).toBe('ok');
    expect(await getStatus(t)).toMatchObject({ status: 0x0e, state: 10 });
    await selectAlt(t, 0);
    expect(await dnload(t, 0, new Uint8Array(16))).toBe('stall');
    expect(await clrStatus(t)).toBe('ok');
    expect(await getStatus(t)).toMatchObject({ status: 0, state: 2 });
    expect(
      board()
        .invariantViolations()
        .map((v) => v.rule),
    ).toEqual(['clrstatus-outside-error', 'dnload-outside-idle']);
  });

  it('a download on an alt that is not the current phase → phase 0xFF with the message, STALL (§7 #13)', async () => {
    const { t } = await tfa('mp25');
    await selectAlt(t, 1);
    expect(await dnload(t, 0, new Uint8Array(16))).toBe('stall');
    const p = await getPhase(t);
    expect(p).toMatchObject({ phase: 0xff, error: 'phase ID :2, alternate 1, address 0xe000000' });
    expect(
      board()
        .invariantViolations()
        .map((v) => v.rule),
    ).toEqual(['download-to-wrong-phase']);
  });

  it('rejects a FIP without a valid TOC: "FIP Header check failed", the ZLP stalls', async () => {
    const { t } = await tfa('mp15');
    const notFip = fipImage(3000, 5, 0); // serial 0 is invalid (§6.3)
    await selectAlt(t, 3);
    for (let i = 0; i * 1024 < notFip.length; i++) {
      await dnload(t, i, notFip.subarray(i * 1024, (i + 1) * 1024));
      await getStatus(t);
      await getStatus(t);
    }
    expect(await dnload(t, 3, new Uint8Array(0))).toBe('stall');
    // SET_INTERFACE does not leave dfuDNLOAD-IDLE on TF-A; ABORT does (§3.3).
    expect(await upload(t, 0, 512)).toBe('stall');
    await abort(t);
    expect(await getPhase(t)).toMatchObject({ phase: 0xff, error: 'FIP Header check failed for phase 3' });
    expect(board().receivedImage(0x03, 'tfa')).toMatchObject({ accepted: false });
  });

  it('only the command alt is readable: UPLOAD elsewhere → 0xFF, errSTALLEDPKT, STALL', async () => {
    const { t } = await tfa('mp13');
    await selectAlt(t, 0);
    expect(await upload(t, 0, 512)).toBe('stall');
    expect(await getStatus(t)).toMatchObject({ status: 0x0f, state: 10 });
  });

  it('DETACH is accepted in any state and wValue is ignored', async () => {
    const { t, reconnect, ...d } = await tfa('mp13');
    await selectAlt(t, 0);
    const fip = fipImage(2000);
    await dnload(t, 40, fip.subarray(0, 1024));
    await getStatus(t);
    await getStatus(t);
    await dnload(t, 9, fip.subarray(1024));
    await getStatus(t);
    await getStatus(t);
    await dnload(t, 1, new Uint8Array(0));
    // DETACH while still in dfuMANIFEST-SYNC.
    await reconnect();
    expect(isUboot(d.identities.at(-1)!)).toBe(true);
  });

  it('MP25: DDR FIP, DETACH, TF-A re-enumerates for the FIP at 0x87000000 (§1.2)', async () => {
    const d = await tfa('mp25');
    expect(hexBytes(await getPhaseRaw(d.t))).toBe('02 00 00 00 0E 00 00 00 00');
    await downloadRaw(d.t, clock, 0, fipImage(9000, 3), 1024);
    expect(hexBytes(await getPhaseRaw(d.t))).toBe('00 FF FF FF FF 00 00 00 00 01');
    const firstTfa = d.identity.connectionId;
    const t0 = clock.nowMs();
    await d.reconnect();
    expect(clock.nowMs() - t0).toBeGreaterThanOrEqual(1000);
    expect(d.identity.connectionId).not.toBe(firstTfa);
    expect(d.identity.product).toMatch(/^DFU @Device ID \/0x505/);
    expect(hexBytes(await getPhaseRaw(d.t))).toBe('03 00 00 00 87 00 00 00 00');
    await downloadRaw(d.t, clock, 1, fipImage(), 1024);
    await d.reconnect();
    expect(isUboot(d.identity)).toBe(true);
  });

  it('a DDR FIP above 0xA000 stalls (buffer end), the phase stays', async () => {
    const { t } = await tfa('mp25');
    await selectAlt(t, 0);
    const big = pseudoRandomBytes(0xa000 + 1024, 4);
    let block = 0;
    for (; block * 1024 < 0xa000; block++) {
      expect(await dnload(t, block, big.subarray(block * 1024, (block + 1) * 1024))).toBe('ok');
      await getStatus(t);
      await getStatus(t);
    }
    expect(await dnload(t, block, big.subarray(0xa000))).toBe('stall');
    await abort(t);
    expect((await getPhase(t)).phase).toBe(0x02);
  });

  it('legacy MP15 TF-A (≤ v2.4) asks for the layout first with a 9-byte reply (§4.3 old flow)', async () => {
    const d = await tfa('mp15', { firmware: { tfa: 'legacy', uboot: 'legacy' } });
    expect(hexBytes(await getPhaseRaw(d.t))).toBe('00 00 00 00 C0 00 00 00 00');
    await downloadRaw(d.t, clock, 0, wrapLayout(LAYOUT_TSV), 1024);
    expect(hexBytes(await getPhaseRaw(d.t))).toBe('03 00 00 00 C7 00 00 00 00');
    await downloadRaw(d.t, clock, 3, fipImage(), 1024);
    await d.reconnect();
    // The legacy U-Boot used TF-A's layout and went straight to the 2nd enumeration.
    expect(d.identity.alts.map((a) => a.name)[0]).toBe('@rootfs/0x10/1*7Ge');
    expect(d.identities).toHaveLength(2);
    expect((await getPhase(d.t)).phase).toBe(0x10);
  });

  it('legacy TF-A refuses a layout without an STM32 header', async () => {
    const { t } = await tfa('mp15', { firmware: { tfa: 'legacy' } });
    await selectAlt(t, 0);
    await dnload(t, 0, new TextEncoder().encode(LAYOUT_TSV));
    await getStatus(t);
    await getStatus(t);
    expect(await dnload(t, 1, new Uint8Array(0))).toBe('stall');
    await abort(t);
    expect(await getPhase(t)).toMatchObject({
      phase: 0xff,
      error: 'Flashlayout header check failed for phase 0',
    });
  });
});
