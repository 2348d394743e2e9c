import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../main/core/clock.js';
import { SimulatedBus, createSimulatedBoard, type SimulatedBoardOptions } from '../../../main/sim/index.js';
import { fipImage, fsblImage, pseudoRandomBytes, tsv, wrapLayout } from './helpers/images.js';
import { altIndexForPhase, clrStatus, getPhase, getStringDescriptor } from './helpers/raw-dfu.js';
import { bringTo, downloadRaw, type DfuFailure, type Driven } from './helpers/test-host.js';

let bus: SimulatedBus | null = null;
let clock: VirtualClock;
afterEach(async () => {
  await bus?.close();
  bus = null;
});

const ROWS = [['P', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x4400', 'r']];

function drive(
  options: SimulatedBoardOptions,
  target: 'rom' | 'tfa' | 'uboot-layout' | 'uboot-flash',
): Promise<Driven> {
  clock = new VirtualClock({ autoAdvance: true });
  bus = new SimulatedBus({ clock });
  return bringTo(bus, clock, createSimulatedBoard(options), target, {
    fsbl: fsblImage(options.soc),
    fip: fipImage(),
    ddrFip: fipImage(9000, 2),
    layout: wrapLayout(tsv(ROWS)),
  });
}

describe('board options', () => {
  it('a U-Boot without the ST PID fixup and with a vendor manufacturer (§2.1 variants)', async () => {
    const d = await drive({ soc: 'mp13', ubootVariant: { pid: 0x5720, manufacturer: 'dh' } }, 'uboot-layout');
    expect(d.identity).toMatchObject({ pid: 0x5720, manufacturer: 'dh' });
    expect(d.identities[0]).toMatchObject({ pid: 0xdf11, manufacturer: 'STMicroelectronics' });
  });

  it('transferLogLimit bounds the transfer log of a long session', async () => {
    const d = await drive({ soc: 'mp15', transferLogLimit: 20 }, 'uboot-layout');
    const log = bus!.plugged()[0]!.transferLog();
    expect(log.length).toBeGreaterThanOrEqual(20);
    expect(log.length).toBeLessThan(40);
    // The newest request is kept: the one that brought the board here.
    expect(log.at(-1)!.connectionId).toBe(d.identity.connectionId);
  });

  it('a full-speed link shows "DFU in FS Mode" and speed full', async () => {
    const d = await drive({ soc: 'mp15', linkSpeed: 'full' }, 'rom');
    expect(d.identity).toMatchObject({
      speed: 'full',
      product: 'DFU in FS Mode @Device ID /0x500, @Revision ID /0x0000',
    });
  });

  it('a secure-closed MP15 names itself SEC/C and refuses an unsigned FSBL (§2.3, §6.2)', async () => {
    const d = await drive({ soc: 'mp15', secureClosed: true }, 'rom');
    const failure = await downloadRaw(d.t, clock, 1, fsblImage('mp15'), 1024).catch((e: unknown) => e);
    expect((failure as DfuFailure).lastStatus).toMatchObject({ status: 0x0e, state: 10 });
    expect(bus!.plugged()[0]!.receivedImage(1)?.verdict).toBe('unsigned image on a secure-closed part');
  });

  it('revision and part number flow into @Revision ID and @Name', async () => {
    const d = await drive({ soc: 'mp15', revisionId: 0x2003, partNumber: 'STM32MP153AAA' }, 'tfa');
    expect(await getStringDescriptor(d.t, 2)).toBe(
      'DFU @Device ID /0x500, @Revision ID /0x2003, @Name /STM32MP153AAA Rev.Y,',
    );
  });

  it('U-Boot reports 5 per block and 7 then 2 after the ZLP, always with bwPollTimeout 0 (§3.2)', async () => {
    const d = await drive({ soc: 'mp25' }, 'uboot-flash');
    const seen = await downloadRaw(
      d.t,
      clock,
      altIndexForPhase(d.t, 0x10),
      pseudoRandomBytes(10_000, 1),
      4096,
    );
    expect(seen.map((s) => `${s.state}/${s.pollMs}`)).toEqual(['5/0', '5/0', '5/0', '7/0', '2/0']);
  });

  it('with boot pins on flash, a reset does not bring the ROM back', async () => {
    const d = await drive(
      { soc: 'mp15', bootSource: 'flash', scenario: { id: 'write-error', atOffsetBytes: 0 } },
      'uboot-flash',
    );
    await downloadRaw(d.t, clock, 0, pseudoRandomBytes(8192, 1), 4096).catch(() => undefined);
    await clrStatus(d.t);
    expect((await getPhase(d.t)).phase).toBe(0xff);
    await d.reconnect().catch(() => undefined);
    expect(bus!.plugged()[0]!.status()).toMatchObject({
      stage: 'halted',
      haltReason: expect.stringContaining('booted from flash') as unknown,
    });
  });
});
