import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import { digest, fsblImage, pseudoRandomBytes } from './helpers/images.js';
import {
  abort,
  altIndexForPhase,
  clrStatus,
  dnload,
  getPhase,
  getPhaseRaw,
  getStatus,
  hexBytes,
  selectAlt,
  upload,
} from './helpers/raw-dfu.js';
import { downloadRaw } from './helpers/test-host.js';
import { SD_ROWS, ubootFixture, type UbootFixture } from './helpers/uboot-fixture.js';

let f: UbootFixture | null = null;
afterEach(async () => {
  await f?.bus.close();
  f = null;
});

const EMMC_ROWS = [
  ['-', '0x01', 'fsbl-boot', 'Binary', 'none', '0x0', 'f'],
  ['P', '0x04', 'fsbl1', 'Binary', 'mmc1', 'boot1', 'f'],
  ['P', '0x05', 'fsbl2', 'Binary', 'mmc1', 'boot2', 'f'],
  ['P', '0x10', 'rootfs', 'FileSystem', 'mmc1', '0x00080000', 'r'],
];

async function flashPhase(fx: UbootFixture, data: Uint8Array): Promise<number> {
  const p = await getPhase(fx.t);
  await downloadRaw(fx.t, fx.clock, altIndexForPhase(fx.t, p.phase), data, 4096);
  return p.phase;
}

describe('U-Boot 2nd enumeration (§3.2, §4.2, §5.4, §5.5, §9.3)', () => {
  it('next phase: first selected non-E id ascending, then 0xFE; GetPhase bytes as §4.2', async () => {
    f = await ubootFixture('uboot-flash', SD_ROWS);
    expect(hexBytes(await getPhaseRaw(f.t))).toBe('04 FF FF FF FF 00 00 00 00');
    const order: number[] = [];
    for (let i = 0; i < 3; i++) order.push(await flashPhase(f, pseudoRandomBytes(10_000 + i, i)));
    expect(order).toEqual([0x04, 0x10, 0x11]);
    expect(hexBytes(await getPhaseRaw(f.t))).toBe('FE FF FF FF FF 00 00 00 00');
    expect(f.board.status()).toMatchObject({ done: true, phase: 0xfe });
    expect(f.identity.alts.map((a) => a.name).slice(0, 4)).toEqual([
      '@fsbl1/0x04/1*256Ke',
      '@fsbl2/0x05/1*256Ka',
      '@bootfs/0x10/1*4Me',
      '@rootfs/0x11/1*7Ge',
    ]);
  });

  it('stores each partition at its layout offset; UPLOAD with wLength 4096 reads it back', async () => {
    f = await ubootFixture('uboot-flash', SD_ROWS);
    const fsbl = fsblImage('mp15', 9000, 3);
    await flashPhase(f, fsbl);
    expect(digest(f.board.readStorage('mmc0', 0x4400, fsbl.length))).toBe(digest(fsbl));
    expect(digest(f.board.readPartition('fsbl1'))).toBe(digest(fsbl));
    await selectAlt(f.t, 0);
    const back: Uint8Array[] = [];
    for (let block = 0; block < 3; block++) back.push((await upload(f.t, block, 4096)) as Uint8Array);
    expect(back.map((b) => b.length)).toEqual([4096, 4096, 4096]);
    expect(digest(Buffer.concat(back).subarray(0, fsbl.length))).toBe(digest(fsbl));
    await abort(f.t);
  });

  it('UPLOAD with a small wLength overflows: the device answers 4096 bytes anyway (§4.2)', async () => {
    f = await ubootFixture('uboot-flash', SD_ROWS);
    await selectAlt(f.t, 0);
    await expect(upload(f.t, 0, 512)).rejects.toSatisfy((e: unknown) => isAppError(e, 'transfer-failed'));
    expect(f.board.invariantViolations().map((v) => v.rule)).toEqual(['upload-wlength-too-small']);
  });

  it('the "abort then restart at 0" trap: Wrong sequence number, 0xFF, DETACH resets the board (§3.2, §7 #7)', async () => {
    f = await ubootFixture('uboot-flash', SD_ROWS);
    await selectAlt(f.t, 0);
    for (let block = 0; block < 3; block++) {
      await dnload(f.t, block, new Uint8Array(4096).fill(block));
      await getStatus(f.t);
    }
    await abort(f.t);
    await selectAlt(f.t, 0);
    expect(await dnload(f.t, 0, new Uint8Array(4096))).toBe('ok');
    expect(await getStatus(f.t)).toMatchObject({ status: 0x0e, state: 10 });
    await clrStatus(f.t);
    expect(await getPhase(f.t)).toMatchObject({ phase: 0xff, error: 'Wrong sequence number' });
    expect(f.board.invariantViolations().map((v) => v.rule)).toEqual(['block-sequence']);
    await f.reconnect();
    expect(f.identity.product).toMatch(/^DFU in HS Mode/);
    expect(f.board.history().map((h) => h.event)).toContain('board reset');
  });

  it('the ZLP must carry the next block number too', async () => {
    f = await ubootFixture('uboot-flash', SD_ROWS);
    await selectAlt(f.t, 0);
    await dnload(f.t, 0, new Uint8Array(100));
    await getStatus(f.t);
    await dnload(f.t, 0, new Uint8Array(0));
    expect(await getStatus(f.t)).toMatchObject({ status: 0x0e, state: 10 });
  });

  it('block numbers wrap 0xFFFF → 0 (§3.2)', async () => {
    f = await ubootFixture('uboot-flash', SD_ROWS, { timing: { timeScale: 0 } });
    // 65 538 blocks of 32 bytes: the counter wraps once, in a 2 MiB partition write.
    const data = pseudoRandomBytes(65_538 * 32, 77);
    await downloadRaw(f.t, f.clock, 2, data, 32);
    const dnloads = f.board.transferLog().filter((e) => e.request === 'DNLOAD' && e.stage === 'uboot-flash');
    expect(dnloads.slice(65_535, 65_538).map((e) => e.setup?.value)).toEqual([65_535, 0, 1]);
    expect(digest(f.board.readPartition('bootfs'))).toBe(digest(data));
    expect(f.board.invariantViolations()).toEqual([]);
  });

  it('dfu_buf grows while it fills and is reused by the next partition without leaking old bytes', async () => {
    f = await ubootFixture('uboot-flash', SD_ROWS, { timing: { timeScale: 0 } });
    // 300 KiB crosses every doubling of the buffer (64 → 128 → 256 → 512 KiB) before the flush.
    const big = pseudoRandomBytes(300 * 1024 + 17, 31);
    await downloadRaw(f.t, f.clock, 2, big, 4096);
    // The next partition gets the larger buffer back, still holding the first file's bytes.
    const small = pseudoRandomBytes(5000, 32);
    await downloadRaw(f.t, f.clock, 0, small, 4096);
    expect(digest(f.board.readStorage('mmc0', 0x84400, big.length))).toBe(digest(big));
    expect(digest(f.board.readPartition('fsbl1', 8192))).toBe(
      digest(Uint8Array.from([...small, ...new Uint8Array(8192 - small.length)])),
    );
    expect(f.board.invariantViolations()).toEqual([]);
  });

  it('buffers 8 MiB-style: the DNLOAD that drains waits for the medium, the ZLP flush delays the 2nd GETSTATUS', async () => {
    f = await ubootFixture('uboot-flash', SD_ROWS, { dfuBufferSizeBytes: 64 * 1024 });
    const data = pseudoRandomBytes(80 * 1024, 5);
    await selectAlt(f.t, 2);
    for (let block = 0; block < 16; block++) {
      await dnload(f.t, block, data.subarray(block * 4096, (block + 1) * 4096));
      await getStatus(f.t);
    }
    // 64 KiB buffered, nothing on the medium yet.
    expect(digest(f.board.readStorage('mmc0', 0x84400, 4096))).toBe(digest(new Uint8Array(4096)));
    await dnload(f.t, 16, data.subarray(16 * 4096, 17 * 4096));
    await getStatus(f.t);
    expect(digest(f.board.readStorage('mmc0', 0x84400, 64 * 1024))).toBe(digest(data.subarray(0, 64 * 1024)));
    for (let block = 17; block < 20; block++) {
      await dnload(f.t, block, data.subarray(block * 4096, (block + 1) * 4096));
      await getStatus(f.t);
    }
    await dnload(f.t, 20, new Uint8Array(0));
    expect((await getStatus(f.t)).state).toBe(7);
    expect((await getStatus(f.t)).state).toBe(2);
    const log = f.board.transferLog();
    const duration = (e: (typeof log)[number]): number => e.endMs! - e.atMs;
    const dnloads = log.filter((e) => e.request === 'DNLOAD' && e.alt === 2);
    const writeMs = ((64 * 1024) / f.board.timing.media.mmc.writeBytesPerSec) * 1000;
    expect(duration(dnloads[16]!)).toBeGreaterThan(writeMs);
    expect(duration(dnloads[15]!)).toBeLessThan(writeMs);
    const [seven, idle] = log.filter((e) => e.request === 'GETSTATUS').slice(-2);
    // The second GETSTATUS waits for the deferred flush (§3.2 MANIFEST row).
    expect(idle!.endMs! - seven!.endMs!).toBeGreaterThan(
      ((16 * 1024) / f.board.timing.media.mmc.writeBytesPerSec) * 1000,
    );
  });

  it('a file larger than its partition fails with a DFU write error once a drain passes the end (§5.9, §7 #9)', async () => {
    f = await ubootFixture('uboot-flash', SD_ROWS, { dfuBufferSizeBytes: 64 * 1024 });
    // fsbl1 is 256 KiB (0x4400 → 0x44400).
    const failure = await downloadRaw(f.t, f.clock, 0, pseudoRandomBytes(330 * 1024, 6), 4096).catch(
      (e: unknown) => e,
    );
    expect((failure as { lastStatus?: unknown }).lastStatus).toMatchObject({ status: 0x0e, state: 10 });
    expect(f.board.console().map((l) => l.text)).toContain('Request would exceed designated area!');
    await clrStatus(f.t);
    expect(await getPhase(f.t)).toMatchObject({ phase: 0xff, error: 'DFU write error' });
  });

  it('eMMC boot1/boot2 land in the hardware boot areas and the last one becomes active (§5.5)', async () => {
    f = await ubootFixture('uboot-flash', EMMC_ROWS);
    const a = fsblImage('mp15', 5000, 1);
    const b = fsblImage('mp15', 6000, 2);
    await flashPhase(f, a);
    expect(f.board.activeBootPartition('mmc1')).toBe(1);
    await flashPhase(f, b);
    expect(digest(f.board.readStorage('mmc1', 0, a.length, 'boot1'))).toBe(digest(a));
    expect(digest(f.board.readStorage('mmc1', 0, b.length, 'boot2'))).toBe(digest(b));
    expect(digest(f.board.readStorage('mmc1', 0, b.length))).toBe(digest(new Uint8Array(b.length)));
    expect(f.board.activeBootPartition('mmc1')).toBe(2);
    expect(f.board.console().map((l) => l.text)).toContain('mmc bootbus 1 0 0 0; mmc partconf 1 1 2 0');
  });

  it('the phase command sets phase and resume offset (big-endian in, little-endian out, §4.4)', async () => {
    f = await ubootFixture('uboot-flash', SD_ROWS);
    const cmdAlt = altIndexForPhase(f.t, 0xf1);
    await downloadRaw(f.t, f.clock, cmdAlt, Uint8Array.of(0x10, 0x00, 0x00, 0x20, 0x00), 4096);
    expect(hexBytes(await getPhaseRaw(f.t))).toBe('10 FF FF FF FF 00 20 00 00');
    const tail = pseudoRandomBytes(5000, 8);
    await downloadRaw(f.t, f.clock, 2, tail, 4096);
    expect(digest(f.board.readStorage('mmc0', 0x84400 + 0x2000, tail.length))).toBe(digest(tail));
    expect((await getPhase(f.t)).phase).toBe(0x11);
  });

  it('a phase command for an id not in the layout fails the flush: the board resets', async () => {
    f = await ubootFixture('uboot-flash', SD_ROWS);
    const cmdAlt = altIndexForPhase(f.t, 0xf1);
    const failure = await downloadRaw(f.t, f.clock, cmdAlt, Uint8Array.of(0x42, 0, 0, 0, 0), 4096).catch(
      (e: unknown) => e,
    );
    expect(isAppError(failure, 'device-gone')).toBe(true);
    expect((await f.rec.connectOn('1-2', f.clock)).product).toMatch(/^DFU in HS Mode/);
  });

  it('PD erases the partition at device init; PE partitions are not asked for', async () => {
    f = await ubootFixture('uboot-flash', SD_ROWS, {
      storage: [
        {
          kind: 'mmc',
          instance: 0,
          lbaCount: 1 << 21,
          blockSizeBytes: 512,
          eraseGroupBlocks: 1,
          bootPartitionSizeBytes: 0,
        },
      ],
    });
    // After the layout DETACH the rootfs (PD) area was erased; the previous flash content is gone.
    expect(f.board.partitions().map((p) => [p.name, p.sizeBytes])).toEqual([
      ['fsbl1', 0x40000],
      ['fsbl2', 0x40000],
      ['bootfs', 0x400000],
      ['rootfs', (1 << 21) * 512 - 35 * 512 - 0x484400],
    ]);
    expect(f.board.console().map((l) => l.text)).toContain('Erasing rootfs on mmc0: done');
  });

  it('after 0xFE a DETACH leaves stm32prog without a reset', async () => {
    f = await ubootFixture('uboot-flash', [['P', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x4400', 'r']]);
    await flashPhase(f, pseudoRandomBytes(1000, 1));
    expect((await getPhase(f.t)).phase).toBe(0xfe);
    await f.reconnect().catch(() => undefined);
    expect(f.board.status()).toMatchObject({
      stage: 'halted',
      done: true,
      haltReason: 'stm32prog done; U-Boot idles at its prompt',
    });
  });

  it('RAM targets: System/FileSystem/Binary become kernel/DTB/initrd booted after the session (§5.4)', async () => {
    f = await ubootFixture('uboot-flash', [
      ['P', '0x10', 'kernel', 'System', 'ram0', '0xC2000000', 'k'],
      ['P', '0x11', 'dtb', 'FileSystem', 'ram0', '0xC4000000', 'd'],
    ]);
    const kernel = pseudoRandomBytes(9000, 2);
    await flashPhase(f, kernel);
    await flashPhase(f, pseudoRandomBytes(900, 3));
    expect(digest(f.board.readStorage('ram0', 0xc2000000, kernel.length))).toBe(digest(kernel));
    await f.reconnect().catch(() => undefined);
    expect(f.board.status().haltReason).toBe('stm32prog done; booting the kernel loaded in RAM');
  });
});
