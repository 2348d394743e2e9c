import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../main/core/clock.js';
import {
  DEFAULT_TIMING,
  SimulatedBus,
  createSimulatedBoard,
  idealThroughputBytesPerSec,
  idealTransferMs,
  resolveTiming,
  type SimulatedBoardOptions,
} from '../../../main/sim/index.js';
import { fipImage, fsblImage, pseudoRandomBytes, tsv, wrapLayout } from './helpers/images.js';
import { altIndexForPhase } from './helpers/raw-dfu.js';
import { bringTo, downloadRaw, flashBoard } from './helpers/test-host.js';

let bus: SimulatedBus | null = null;
afterEach(async () => {
  await bus?.close();
  bus = null;
});

const ROWS = [['P', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x4400', 'r']];

function files(soc: 'mp15' | 'mp13' | 'mp25') {
  return {
    fsbl: fsblImage(soc, 60_000),
    fip: fipImage(200_000),
    ddrFip: fipImage(20_000, 3),
    layout: wrapLayout(tsv(ROWS)),
  };
}

/** Model time one download took, first DNLOAD to the GETSTATUS that reported dfuIDLE. */
function measuredMs(board: ReturnType<typeof createSimulatedBoard>, stage: string): number {
  const log = board
    .transferLog()
    .filter((e) => e.stage === stage && (e.request === 'DNLOAD' || e.request === 'GETSTATUS'));
  const first = log.find((e) => e.request === 'DNLOAD')!;
  const last = log.at(-1)!;
  return last.endMs! - first.atMs;
}

describe('timing model', () => {
  it('exposes defaults and an ideal throughput a benchmark can compare against', () => {
    expect(DEFAULT_TIMING.tfaToUbootEnumerationMs).toBe(3000);
    const mmc = idealThroughputBytesPerSec(DEFAULT_TIMING, { stage: 'uboot', medium: 'mmc' });
    const nor = idealThroughputBytesPerSec(DEFAULT_TIMING, { stage: 'uboot', medium: 'nor' });
    const tfa = idealThroughputBytesPerSec(DEFAULT_TIMING, { stage: 'tfa' });
    // Order of magnitude of §1.3: "roughly 1.7 MB/s" rootfs on MP25, 1.14 MB FIP in 1.45 s.
    expect(mmc).toBeGreaterThan(1e6);
    expect(mmc).toBeLessThan(10e6);
    expect(nor).toBeLessThan(mmc);
    expect(tfa).toBeGreaterThan(0.5e6);
    const faster = resolveTiming({ media: { mmc: { writeBytesPerSec: 200e6 } } });
    expect(idealThroughputBytesPerSec(faster, { stage: 'uboot', medium: 'mmc' })).toBeGreaterThan(mmc);
    expect(faster.media.nor).toEqual(DEFAULT_TIMING.media.nor);
  });

  it.each(['rom', 'tfa', 'uboot'] as const)(
    'a perfect host reaches the ideal time on the %s stage',
    async (kind) => {
      const clock = new VirtualClock({ autoAdvance: true });
      bus = new SimulatedBus({ clock });
      const board = createSimulatedBoard({ soc: 'mp13' });
      const f = files('mp13');
      if (kind === 'rom') {
        const d = await bringTo(bus, clock, board, 'rom', f);
        await downloadRaw(d.t, clock, 0, f.fsbl, 1024);
        expect(
          measuredMs(board, 'rom') / idealTransferMs(board.timing, { stage: 'rom', bytes: f.fsbl.length }),
        ).toBeCloseTo(1, 1);
      } else if (kind === 'tfa') {
        const d = await bringTo(bus, clock, board, 'tfa', f);
        await downloadRaw(d.t, clock, 0, f.fip, 1024);
        expect(
          measuredMs(board, 'tfa') / idealTransferMs(board.timing, { stage: 'tfa', bytes: f.fip.length }),
        ).toBeCloseTo(1, 1);
      } else {
        const d = await bringTo(bus, clock, board, 'uboot-flash', f);
        const rootfs = pseudoRandomBytes(3 * 1024 * 1024, 4);
        await downloadRaw(d.t, clock, altIndexForPhase(d.t, 0x10), rootfs, 4096);
        const ideal = idealTransferMs(board.timing, { stage: 'uboot', bytes: rootfs.length, medium: 'mmc' });
        expect(measuredMs(board, 'uboot-flash') / ideal).toBeCloseTo(1, 1);
      }
    },
  );

  it('timeScale 0 adds no device time: only the host bwPollTimeout waits remain', async () => {
    const run = async (timeScale: number): Promise<number> => {
      const clock = new VirtualClock({ autoAdvance: true });
      const b = new SimulatedBus({ clock });
      const board = createSimulatedBoard({ soc: 'mp25', timing: { timeScale } });
      await flashBoard(b, clock, board, {
        ...files('mp25'),
        partitions: new Map([[0x10, pseudoRandomBytes(50_000, 1)]]),
      });
      expect(board.status().done).toBe(true);
      await b.close();
      return clock.nowMs();
    };
    // 1 ms polls: 60 ROM blocks + 3 manifestations (ROM, DDR FIP, FIP).
    expect(await run(0)).toBe(60 + 3);
    expect(await run(1)).toBeGreaterThan(5_000);
  });

  it('places enumerations per the §1.3 data points: TF-A → U-Boot about 3 s', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    bus = new SimulatedBus({ clock });
    const board = createSimulatedBoard({ soc: 'mp15' });
    const d = await bringTo(bus, clock, board, 'uboot-layout', files('mp15'));
    const tfaLeft = board.history().find((h) => h.event === 'disconnected')!.atMs;
    expect(d.identity.seenAtMs - tfaLeft).toBe(3000);
  });

  it('jitter is reproducible from the seed', async () => {
    const times = async (options: Partial<SimulatedBoardOptions>): Promise<number> => {
      const clock = new VirtualClock({ autoAdvance: true });
      const b = new SimulatedBus({ clock });
      const board = createSimulatedBoard({ soc: 'mp13', timing: { jitterFraction: 0.3 }, ...options });
      const d = await bringTo(b, clock, board, 'tfa', files('mp13'));
      await b.close();
      return d.identity.seenAtMs;
    };
    expect(await times({ seed: 7 })).toBe(await times({ seed: 7 }));
    expect(await times({ seed: 7 })).not.toBe(await times({ seed: 8 }));
  });

  it('the layout DETACH → 2nd enumeration time grows with the erases (§5.4)', async () => {
    const gap = async (rows: string[][]): Promise<number> => {
      const clock = new VirtualClock({ autoAdvance: true });
      const b = new SimulatedBus({ clock });
      const board = createSimulatedBoard({
        soc: 'mp15',
        storage: [{ kind: 'nor', instance: 0, sizeBytes: 8 * 1024 * 1024, eraseSizeBytes: 64 * 1024 }],
      });
      const d = await bringTo(b, clock, board, 'uboot-flash', {
        ...files('mp15'),
        layout: wrapLayout(tsv(rows)),
      });
      const left = board
        .history()
        .filter((h) => h.event === 'disconnected')
        .at(-1)!.atMs;
      await b.close();
      return d.identities.at(-1)!.seenAtMs - left;
    };
    const plain = await gap([['P', '0x10', 'data', 'Binary', 'nor0', '0x0', 'd']]);
    const erase = await gap([['PD', '0x10', 'data', 'Binary', 'nor0', '0x0', 'd']]);
    // 8 MiB of NOR at 0.5 MB/s.
    const eraseMs = ((8 * 1024 * 1024) / DEFAULT_TIMING.media.nor.eraseBytesPerSec) * 1000;
    expect(erase - plain).toBeCloseTo(eraseMs, 0);
    expect(plain).toBeCloseTo(DEFAULT_TIMING.ubootDeviceProbeMs, 6);
  });
});
