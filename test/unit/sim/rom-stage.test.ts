import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../main/core/clock.js';
import { isAppError } from '../../../main/core/app-error.js';
import {
  SimulatedBus,
  createSimulatedBoard,
  type ScenarioInput,
  type SimSoc,
} from '../../../main/sim/index.js';
import { fipImage, fsblImage, pseudoRandomBytes, stm32Image, tsv } from './helpers/images.js';
import {
  IO,
  detach,
  dnload,
  getPhaseRaw,
  getStatus,
  hexBytes,
  selectAlt,
  type DfuStatus,
} from './helpers/raw-dfu.js';
import { DfuFailure, bringTo, downloadRaw, type Driven } from './helpers/test-host.js';

let bus: SimulatedBus | null = null;
let clock: VirtualClock;
afterEach(async () => {
  await bus?.close();
  bus = null;
});

const FILES = { fsbl: fsblImage('mp15'), fip: fipImage(), layout: new TextEncoder().encode(tsv([])) };

async function rom(soc: SimSoc, scenario?: ScenarioInput): Promise<Driven> {
  clock = new VirtualClock({ autoAdvance: true });
  bus = new SimulatedBus({ clock });
  const board = createSimulatedBoard({ soc, scenario });
  return bringTo(bus, clock, board, 'rom', FILES);
}

function states(seen: DfuStatus[]): string[] {
  return seen.map((s) => `${s.state}/${s.pollMs}`);
}

describe('ROM stage (§3.4, §9.1)', () => {
  it('reports dfuDNBUSY then dfuDNLOAD-IDLE with bwPollTimeout 1 per block, dfuMANIFEST after the ZLP', async () => {
    const { t } = await rom('mp13');
    const seen = await downloadRaw(t, clock, 0, fsblImage('mp13', 1500), 1024);
    // 1500 + 512 header = 2 blocks: 4,5 per block, then 7 and dfuIDLE.
    expect(states(seen)).toEqual(['4/1', '5/1', '4/1', '5/1', '7/1', '2/0']);
  });

  it('ignores wValue (a DfuSe-style host starting at block 2 works)', async () => {
    const { t } = await rom('mp25');
    await selectAlt(t, 0);
    const image = fsblImage('mp25', 600);
    expect(await dnload(t, 2, image.subarray(0, 1024))).toBe('ok');
    await getStatus(t);
    await getStatus(t);
    expect(await dnload(t, 7, image.subarray(1024))).toBe('ok');
    await getStatus(t);
    await getStatus(t);
    expect(await dnload(t, 0, new Uint8Array(0))).toBe('ok');
    expect((await getStatus(t)).state).toBe(7);
    expect((await getStatus(t)).state).toBe(2);
  });

  it('MP15: the ROM starts TF-A without a disconnect; TF-A answers the very next request', async () => {
    const { t, rec } = await rom('mp15');
    const before = rec.events.length;
    const seen = await downloadRaw(t, clock, 1, fsblImage('mp15'), 1024);
    expect(states(seen).slice(-2)).toEqual(['7/1', '2/0']);
    // TF-A's GetPhase on the same handle: phase 0x03 at 0xC7000000 (§4.2 example dump).
    expect(hexBytes(await getPhaseRaw(t))).toBe('03 00 00 00 C7 00 00 00 00');
    expect(rec.events.length).toBe(before);
  });

  it('MP13: DETACH after the FSBL → disconnect, TF-A enumerates, the old handle is gone', async () => {
    const { t, rec, reconnect, ...d } = await rom('mp13');
    expect(hexBytes(await getPhaseRaw(t))).toBe('01 00 00 FE 2F 00 00 00 00');
    await downloadRaw(t, clock, 0, fsblImage('mp13'), 1024);
    expect(hexBytes(await getPhaseRaw(t))).toBe('00 FF FF FF FF 00 00 00 00 01');
    await reconnect();
    expect(rec.events.map((e) => e.type)).toEqual(['connect', 'disconnect', 'connect']);
    expect(d.identities[1]!.product).toMatch(/^DFU @Device ID \/0x501/);
    await expect(getStatus(t)).rejects.toSatisfy((e: unknown) => isAppError(e, 'device-gone'));
  });

  it('MP25: a USB reset after the FSBL also starts TF-A (dfu-util -R, §1.1)', async () => {
    const { t, rec } = await rom('mp25');
    await downloadRaw(t, clock, 0, fsblImage('mp25'), 1024);
    await t.reset(IO);
    const tfa = await rec.connectOn('1-2', clock);
    expect(tfa.product).toBe('DFU @Device ID /0x505, @Revision ID /0x0011, @Name /STM32MP257FAI Rev.Y,');
  });

  it('a DETACH before any FSBL changes nothing on MP13', async () => {
    const { t, rec } = await rom('mp13');
    expect(await detach(t)).toBe('ok');
    await clock.sleep(5_000);
    expect(rec.events).toHaveLength(1);
    expect((await getStatus(t)).state).toBe(2);
  });

  it.each([
    ['a bad checksum', 'mp15', stm32Image(pseudoRandomBytes(4000, 3), 'v1', { corruptChecksum: true })],
    ['a v1 header on MP13', 'mp13', stm32Image(pseudoRandomBytes(4000, 3), 'v1')],
    ['a v2.0 header on MP25', 'mp25', stm32Image(pseudoRandomBytes(4000, 3), 'v2.0')],
    ['a payload above 128 KiB on MP13', 'mp13', stm32Image(pseudoRandomBytes(128 * 1024 + 1, 3), 'v2.0')],
    ['no header at all', 'mp15', pseudoRandomBytes(3000, 3)],
  ] as const)('rejects %s: dfuMANIFEST then errUNKNOWN/dfuERROR (§6.2, §7 #5)', async (_what, soc, image) => {
    const board = await rom(soc);
    const alt = soc === 'mp15' ? 1 : 0;
    const failure = await downloadRaw(board.t, clock, alt, image, 1024).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DfuFailure);
    expect((failure as DfuFailure).lastStatus).toMatchObject({ status: 0x0e, state: 10 });
    const [sim] = bus!.plugged();
    expect(sim!.receivedImage(0x01, 'rom')).toMatchObject({ accepted: false });
    expect(sim!.status().stage).toBe('rom');
  });

  it('scenario fsbl-rejected refuses a valid FSBL', async () => {
    const { t } = await rom('mp15', 'fsbl-rejected');
    const failure = await downloadRaw(t, clock, 1, fsblImage('mp15'), 1024).catch((e: unknown) => e);
    expect((failure as DfuFailure).lastStatus).toMatchObject({ status: 0x0e, state: 10 });
    expect(
      bus!
        .plugged()[0]!
        .console()
        .map((l) => l.text),
    ).toContain('ROM: FSBL rejected: rejected (fault scenario fsbl-rejected)');
  });

  it('stalls a block above wTransferSize and a download to a non-FSBL alt', async () => {
    const { t } = await rom('mp15');
    await selectAlt(t, 1);
    expect(await dnload(t, 0, new Uint8Array(2048))).toBe('stall');
    await selectAlt(t, 3);
    expect(await dnload(t, 0, new Uint8Array(16))).toBe('stall');
    const violations = bus!.plugged()[0]!.invariantViolations();
    expect(violations.map((v) => v.rule)).toEqual(['wlength-above-transfer-size']);
  });
});
