import { join } from 'node:path';
import { realLayoutsDir } from '../../helpers/real-layouts-dir.js';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../main/core/clock.js';
import {
  SimulatedBus,
  createSimulatedBoard,
  defaultStorageDevices,
  type SimSoc,
} from '../../../main/sim/index.js';
import { digest, fipImage, fsblImage, pseudoRandomBytes, tsv, wrapLayout } from './helpers/images.js';
import { flashBoard, isUboot, type FlashFiles } from './helpers/test-host.js';

function sdLayoutFiles(soc: SimSoc, rootfsBytes = 300_000): FlashFiles {
  const fsbl = fsblImage(soc, 30_000, 11);
  const fip = fipImage(50_000, 12);
  const rows = [
    ['-', '0x01', 'fsbl-boot', 'Binary', 'none', '0x0', 'fsbl.stm32'],
    ...(soc === 'mp25' ? [['-', '0x02', 'fip-ddr', 'FIP', 'none', '0x0', 'ddr.bin']] : []),
    ['-', '0x03', 'fip-boot', 'FIP', 'none', '0x0', 'fip.bin'],
    ['P', '0x04', 'fsbl1', 'Binary', 'mmc0', '0x00004400', 'fsbl.stm32'],
    ['P', '0x05', 'fsbl2', 'Binary', 'mmc0', '0x00044400', 'fsbl.stm32'],
    ['P', '0x06', 'fip-a', 'FIP', 'mmc0', '0x00084400', 'fip.bin'],
    ['PED', '0x07', 'fip-b', 'FIP', 'mmc0', '0x00484400', 'none'],
    ['P', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x00884400', 'rootfs.ext4'],
  ];
  return {
    fsbl,
    fip,
    ddrFip: soc === 'mp25' ? fipImage(20_000, 13, 7) : undefined,
    layout: wrapLayout(tsv(rows)),
    partitions: new Map([
      [0x04, fsbl],
      [0x05, fsbl],
      [0x06, fip],
      [0x10, pseudoRandomBytes(rootfsBytes, 14)],
    ]),
  };
}

let bus: SimulatedBus | null = null;
afterEach(async () => {
  await bus?.close();
  bus = null;
});

describe.each(['mp15', 'mp13', 'mp25'] as const)('full flash on %s', (soc) => {
  it('walks ROM → TF-A → U-Boot 1 → U-Boot 2 → 0xFE and stores every byte', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    bus = new SimulatedBus({ clock });
    const board = createSimulatedBoard({ soc, serial: '003B00213439511334383734' });
    const files = sdLayoutFiles(soc);
    const trace = await flashBoard(bus, clock, board, files);

    const products = trace.identities.map((i) => i.product ?? '');
    const expectedEnumerations = { mp15: 3, mp13: 4, mp25: 5 }[soc];
    expect(trace.identities).toHaveLength(expectedEnumerations);
    expect(products[0]).toMatch(/^DFU in HS Mode @Device ID \/0x50[015], @Revision ID \/0x[0-9A-F]{4}$/);
    expect(products.filter((p) => p.startsWith('USB download gadget'))).toHaveLength(2);
    expect(new Set(trace.identities.map((i) => i.serial))).toEqual(new Set(['003B00213439511334383734']));
    expect(new Set(trace.identities.map((i) => i.connectionId)).size).toBe(expectedEnumerations);
    expect(isUboot(trace.identities.at(-1)!)).toBe(true);

    expect(board.status()).toMatchObject({ stage: 'uboot-flash', done: true, phase: 0xfe });
    expect(digest(board.readPartition('rootfs'))).toBe(digest(files.partitions.get(0x10)));
    expect(digest(board.readPartition(0x06))).toBe(digest(files.fip));
    expect(digest(board.readStorage('mmc0', 0x4400, files.fsbl.length))).toBe(digest(files.fsbl));
    expect(digest(board.receivedImage(0x01, 'rom')?.bytes)).toBe(digest(files.fsbl));
    expect(digest(board.receivedImage(0x03, 'tfa')?.bytes)).toBe(digest(files.fip));
    expect(digest(board.receivedImage(0x00, 'uboot-layout')?.bytes)).toBe(digest(files.layout));
    if (soc === 'mp25') expect(digest(board.receivedImage(0x02, 'tfa')?.bytes)).toBe(digest(files.ddrFip));
    expect(board.invariantViolations({ checkPollTimeout: true })).toEqual([]);
  });
});

describe('flashes beyond the happy path', () => {
  it('flashes four boards of mixed SoCs in parallel on one bus, then leaves no timer behind', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    bus = new SimulatedBus({ clock });
    const socs: SimSoc[] = ['mp15', 'mp13', 'mp25', 'mp15'];
    const boards = socs.map((soc, i) =>
      createSimulatedBoard({ soc, seed: 100 + i, timing: { jitterFraction: 0.2 } }),
    );
    const files = socs.map((soc) => sdLayoutFiles(soc, 120_000));
    await Promise.all(boards.map((board, i) => flashBoard(bus!, clock, board, files[i]!)));
    expect(boards.map((b) => b.portPath)).toEqual(['1-2', '1-3', '1-4', '1-5']);
    boards.forEach((board, i) => {
      expect(board.status().done).toBe(true);
      expect(digest(board.readPartition('rootfs'))).toBe(digest(files[i]!.partitions.get(0x10)));
      expect(board.invariantViolations()).toEqual([]);
    });
    expect(new Set(bus.transferLog().map((e) => e.board)).size).toBe(4);
    await bus.close();
    expect(bus.pendingTimerCount()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
    bus = null;
  });

  it("flashes ST's mickledore SD layout, userfs at 0x105984400 included, without allocating the gaps", async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    bus = new SimulatedBus({ clock });
    const board = createSimulatedBoard({ soc: 'mp15', timing: { timeScale: 0 } });
    const layout = new Uint8Array(
      readFileSync(
        join(
          realLayoutsDir(),
          'st-meta-st-stm32mp_mickledore-scarthgap_FlashLayout_sdcard_stm32mp157f-ev1_sample.tsv',
        ),
      ),
    );
    const fsbl = fsblImage('mp15', 40_000, 1);
    const fip = fipImage(100_000, 2);
    const userfs = new Uint8Array(4 * 1024 * 1024);
    userfs.set(pseudoRandomBytes(4096, 9), 3 * 1024 * 1024);
    const partitions = new Map<number, Uint8Array>([
      [0x04, fsbl],
      [0x05, fsbl],
      [0x06, pseudoRandomBytes(8192, 3)],
      [0x07, pseudoRandomBytes(8192, 3)],
      [0x08, fip],
      [0x10, pseudoRandomBytes(200_000, 4)],
      [0x11, pseudoRandomBytes(50_000, 5)],
      [0x12, pseudoRandomBytes(300_000, 6)],
      [0x13, userfs],
    ]);
    await flashBoard(bus, clock, board, { fsbl, fip, layout, partitions });
    expect(board.partitions().find((p) => p.name === 'userfs')).toMatchObject({
      offsetBytes: 0x105984400,
      completed: true,
    });
    expect(digest(board.readStorage('mmc0', 0x105984400, userfs.length))).toBe(digest(userfs));
    for (const [id, data] of partitions) expect(digest(board.readPartition(id))).toBe(digest(data));
    expect(board.storageDevice('mmc0')!.gpt!.map((p) => p.name)).toEqual([
      'fsbl1',
      'fsbl2',
      'metadata1',
      'metadata2',
      'fip-a',
      'fip-b',
      'u-boot-env',
      'bootfs',
      'vendorfs',
      'rootfs',
      'userfs',
    ]);
    expect(board.storageAllocatedBytes()).toBeLessThan(2 * 1024 * 1024);
    expect(board.invariantViolations()).toEqual([]);
  });

  it('NAND: Binary(2) writes a second FSBL copy in the next erase block; System (UBI) erases its remainder (§5.5)', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    bus = new SimulatedBus({ clock });
    const board = createSimulatedBoard({
      soc: 'mp15',
      storage: [{ kind: 'nand', instance: 0, sizeBytes: 64 * 1024 * 1024, eraseSizeBytes: 256 * 1024 }],
    });
    const fsbl = fsblImage('mp15', 30_000, 7);
    const ubi = pseudoRandomBytes(70_000, 8);
    await flashBoard(bus, clock, board, {
      fsbl,
      fip: fipImage(),
      layout: wrapLayout(
        tsv([
          ['P', '0x04', 'fsbl1', 'Binary(2)', 'nand0', '0x0', 'f'],
          ['P', '0x10', 'ubifs', 'System', 'nand0', '0x00100000', 'u'],
        ]),
      ),
      partitions: new Map([
        [0x04, fsbl],
        [0x10, ubi],
      ]),
    });
    expect(board.identity()!.alts.map((a) => a.name)).toEqual([
      '@fsbl1/0x04/1*1024Ke',
      '@ubifs/0x10/1*63Me',
      '@virtual/0xf1/1*512Be',
      '@OTP/0xf2/1*776Be',
      '@PMIC/0xf4/1*8Be',
    ]);
    expect(digest(board.readStorage('nand0', 0, fsbl.length))).toBe(digest(fsbl));
    expect(digest(board.readStorage('nand0', 256 * 1024, fsbl.length))).toBe(digest(fsbl));
    expect(board.readStorage('nand0', 0x100000 + ubi.length, 16).every((b) => b === 0xff)).toBe(true);
  });

  it('MP15 legacy stack: TF-A asks for the STM32-wrapped layout, U-Boot skips its 1st enumeration', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    bus = new SimulatedBus({ clock });
    const board = createSimulatedBoard({ soc: 'mp15', firmware: { tfa: 'legacy', uboot: 'legacy' } });
    const files = sdLayoutFiles('mp15');
    const trace = await flashBoard(bus, clock, board, files);
    expect(trace.identities.map((i) => i.product!.split('@')[0])).toEqual([
      'DFU in HS Mode ',
      'USB download gadget',
    ]);
    expect(board.receivedImage(0x00, 'tfa')?.accepted).toBe(true);
    expect(digest(board.readPartition('rootfs'))).toBe(digest(files.partitions.get(0x10)));
  });

  it('delete-all erases every medium and has nothing to download', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    bus = new SimulatedBus({ clock });
    // NOR erases at 0.5 MB/s by default: 64 MiB would take longer than the 30 s reconnect wait.
    const board = createSimulatedBoard({
      soc: 'mp15',
      timing: { media: { nor: { eraseBytesPerSec: 50e6 } } },
      storage: [
        ...defaultStorageDevices(0xc0000000),
        { kind: 'nand', instance: 0, sizeBytes: 32 * 1024 * 1024, eraseSizeBytes: 256 * 1024 },
      ],
    });
    const layout = new Uint8Array(
      readFileSync(
        join(
          realLayoutsDir(),
          'st-meta-st-stm32mp_mickledore-scarthgap_FlashLayout_delete-all_stm32mp157f-ev1_sample.tsv',
        ),
      ),
    );
    const files = { ...sdLayoutFiles('mp15'), layout };
    await flashBoard(bus, clock, board, files);
    expect(board.status().done).toBe(true);
    expect(
      board
        .console()
        .filter((l) => l.text.startsWith('Erasing'))
        .map((l) => l.text),
    ).toEqual([
      'Erasing emmcall on mmc1: done',
      'Erasing nandall on nand0: done',
      'Erasing norall on nor0: done',
      'Erasing sdcardall on mmc0: done',
      'Erasing emmcboot0 on mmc1: done',
      'Erasing emmcboot1 on mmc1: done',
    ]);
  });
});
