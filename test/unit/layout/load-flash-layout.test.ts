import { createHash } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import { loadFlashLayout } from '../../../main/layout/load-flash-layout.js';
import { wrapStm32V1 } from '../../../main/layout/stm32-header.js';
import { byteSum, stm32Image } from './image-builders.js';
import { baseFiles, baseLayout, createWorkspace } from './layout-workspace.js';
import type { Workspace } from './layout-workspace.js';

let workspace: Workspace;
beforeEach(async () => {
  workspace = await createWorkspace();
  for (const [name, bytes] of Object.entries(baseFiles())) await workspace.write(name, bytes);
});
afterEach(() => workspace.dispose());

async function sparseFile(name: string, sizeBytes: number): Promise<string> {
  const handle = await open(workspace.path(name), 'w');
  await handle.truncate(sizeBytes);
  await handle.close();
  return workspace.path(name);
}

async function expectAppError(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error: unknown = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(isAppError(error) && error.code).toBe(code);
  expect((error as Error).message).toMatch(message);
}

describe('loadFlashLayout: unusable input throws a specific AppError', () => {
  it('file-not-found', async () => {
    await expectAppError(loadFlashLayout(workspace.path('nope.tsv')), 'file-not-found', /no such file/);
  });

  it('not-a-file for a directory', async () => {
    await mkdir(workspace.path('folder.tsv'));
    await expectAppError(loadFlashLayout(workspace.path('folder.tsv')), 'not-a-file', /is a directory/);
  });

  it('not-text for an image given as the layout', async () => {
    const path = await workspace.write('image.tsv', stm32Image('v2.0', new Uint8Array(100)));
    await expectAppError(loadFlashLayout(path), 'not-text', /not a text file: a NUL byte/);
  });

  it('not-text for a NUL beyond the sniffed prefix', async () => {
    const path = await workspace.write('late-nul.tsv', `${baseLayout()}${'#'.repeat(100 * 1024)}\n\0\n`);
    await expectAppError(loadFlashLayout(path), 'not-text', /NUL byte at line 6/);
  });

  it('not-text for UTF-16', async () => {
    const path = await workspace.write('utf16.tsv', Buffer.from(`\uFEFF${baseLayout()}`, 'utf16le'));
    await expectAppError(loadFlashLayout(path), 'not-text', /UTF-16/);
  });

  it('file-too-large for a text file above 1 MiB, after one small read', async () => {
    const path = await workspace.write('huge.tsv', `${baseLayout()}${'#\n'.repeat(600 * 1024)}`);
    await expectAppError(loadFlashLayout(path), 'file-too-large', /bytes; a FlashLayout is a few KiB/);
  });

  it('a sparse 5 GiB "layout" is refused promptly as not text', async () => {
    const path = await sparseFile('sparse.tsv', 5 * 1024 ** 3);
    const started = Date.now();
    await expectAppError(loadFlashLayout(path), 'not-text', /NUL/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('an empty file is content, not an error: a plan with empty-file', async () => {
    const path = await workspace.write('empty.tsv', '');
    const plan = await loadFlashLayout(path);
    expect(plan.problems.map((problem) => problem.code)).toEqual(['empty-file']);
    expect(plan.partitions).toEqual([]);
  });

  it('aborted when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expectAppError(
      loadFlashLayout(await workspace.write('l.tsv', baseLayout()), { signal: controller.signal }),
      'aborted',
      /cancelled/,
    );
  });

  it('timeout when hashing takes longer than timeoutMs, and stops promptly', async () => {
    await sparseFile('big.ext4', 2 * 1024 ** 3);
    const path = await workspace.write(
      'l.tsv',
      baseLayout('P\t0x10\trootfs\tFileSystem\tmmc0\t0x00084400\tbig.ext4'),
    );
    const started = Date.now();
    await expectAppError(
      loadFlashLayout(path, { hash: true, timeoutMs: 50 }),
      'timeout',
      /longer than 50 ms/,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('loadFlashLayout: binaries', () => {
  it('resolves binaries against the layout folder, not the working directory', async () => {
    await workspace.write('images/rootfs.ext4', new Uint8Array(1000));
    await workspace.write('sub/deeper/tf-a.stm32', stm32Image('v1', new Uint8Array(10)));
    const path = await workspace.write(
      'sub/layout.tsv',
      [
        '-\t0x01\tfsbl-boot\tBinary\tnone\t0x0\tdeeper/tf-a.stm32',
        '-\t0x03\tfip-boot\tFIP\tnone\t0x0\t../fip.bin',
        `P\t0x10\trootfs\tFileSystem\tmmc0\t0x00004400\t${workspace.path('images/rootfs.ext4')}`,
      ].join('\n'),
    );
    const plan = await loadFlashLayout(path);
    expect(plan.partitions.map((partition) => partition.file?.path)).toEqual([
      workspace.path('sub/deeper/tf-a.stm32'),
      workspace.path('fip.bin'),
      workspace.path('images/rootfs.ext4'),
    ]);
    expect(plan.partitions[2]!.file!.sizeBytes).toBe(1000);
    expect(plan.problems.filter((problem) => problem.code === 'missing-binary')).toEqual([]);
  });

  it('handles a sparse image above 4 GiB without reading it, and checks the room with 64-bit offsets', async () => {
    await sparseFile('userfs.ext4', 2 ** 32 + 1);
    const path = await workspace.write(
      'layout.tsv',
      baseLayout(
        'P\t0x10\tuserfs\tFileSystem\tmmc0\t0x105984400\tuserfs.ext4',
        'PE\t0x11\tspare\tBinary\tmmc0\t0x205984400\tnone',
      ),
    );
    const started = Date.now();
    const plan = await loadFlashLayout(path);
    expect(Date.now() - started).toBeLessThan(2000);
    const userfs = plan.partitions.find((partition) => partition.name === 'userfs')!;
    expect(userfs).toMatchObject({ offsetBytes: 0x105984400, roomBytes: 2 ** 32, status: 'program' });
    expect(userfs.file).toMatchObject({ sizeBytes: 2 ** 32 + 1, sha256: null });
    expect(plan.problems.find((problem) => problem.code === 'binary-too-large')).toMatchObject({
      line: 5,
      field: 'binary',
    });
  });

  it('hashes with --hash, streaming', async () => {
    const content = Uint8Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, index) => index % 251);
    await workspace.write('rootfs.ext4', content);
    const path = await workspace.write(
      'layout.tsv',
      baseLayout('P\t0x10\trootfs\tFileSystem\tmmc0\t0x00084400\trootfs.ext4'),
    );
    const plan = await loadFlashLayout(path, { hash: true });
    const rootfs = plan.partitions.find((partition) => partition.name === 'rootfs')!;
    expect(rootfs.file!.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(plan.partitions.find((partition) => partition.name === 'fsbl-boot')!.file!.sha256).toMatch(
      /^[0-9a-f]{64}$/,
    );
  });

  it('streams the STM32 checksum over several chunks and finds the USB strings across a chunk boundary', async () => {
    const payload = new Uint8Array(3 * 1024 * 1024).fill(0x42);
    const marker = new TextEncoder().encode('@virtual /0xF1/');
    payload.set(marker, 1024 * 1024 - 256 - 5); // straddles the first 1 MiB read of the file
    await workspace.write('fsbl.stm32', stm32Image('v1', payload));
    const path = await workspace.write('layout.tsv', baseLayout().replace('tf-a-usb.stm32', 'fsbl.stm32'));
    const plan = await loadFlashLayout(path);
    const fsbl = plan.partitions[0]!;
    expect(fsbl.image).toMatchObject({
      kind: 'stm32',
      looksLikeUsbFsbl: true,
      stm32: { version: 'v1', checksumOk: true },
    });
    expect(plan.problems.map((problem) => problem.code)).not.toContain('stm32-checksum');

    const goodChecksum = byteSum(payload);
    payload[payload.length - 1] = 0x43; // one byte flipped after the header was made
    await workspace.write('fsbl.stm32', stm32Image('v1', payload, { checksum: goodChecksum }));
    const corrupt = await loadFlashLayout(path);
    expect(corrupt.partitions[0]!.image!.stm32!.checksumOk).toBe(false);
    expect(corrupt.problems.find((problem) => problem.code === 'stm32-checksum')).toMatchObject({ line: 2 });
  });

  it('summarizes FIP and raw images', async () => {
    await workspace.write('rootfs.ext4', new Uint8Array(10));
    const path = await workspace.write(
      'layout.tsv',
      baseLayout('P\t0x10\trootfs\tFileSystem\tmmc0\t0x00084400\trootfs.ext4'),
    );
    const plan = await loadFlashLayout(path);
    expect(plan.partitions.map((partition) => partition.image?.kind)).toEqual([
      'stm32',
      'fip',
      'stm32',
      'raw',
    ]);
    expect(plan.partitions[1]!.image!.fip).toEqual({
      serialNumber: 0x12345678,
      entryCount: 1,
      certificates: [],
    });
  });

  it('says when a boot stage gets the wrong kind of image', async () => {
    const path = await workspace.write(
      'layout.tsv',
      [
        '-\t0x01\tfsbl-boot\tBinary\tnone\t0x0\tfip.bin',
        '-\t0x02\tfip-ddr\tFIP\tnone\t0x0\ttf-a-usb.stm32',
        '-\t0x03\tfip-boot\tFIP\tnone\t0x0\tfip.bin',
      ].join('\n'),
    );
    const plan = await loadFlashLayout(path);
    const byCode = plan.problems
      .filter((problem) => problem.field === 'binary')
      .map((p) => [p.code, p.line, p.message]);
    expect(byCode).toEqual([
      [
        'stm32-bad-magic',
        1,
        expect.stringMatching(/expected an STM32 image \(magic "STM2"\), but it is a FIP/) as unknown,
      ],
      [
        'fip-invalid',
        2,
        expect.stringMatching(/expected a FIP \(TOC 0xAA640001\), but it is an STM32 image/) as unknown,
      ],
    ]);
  });

  it('loads a layout wrapped in an STM32 v1 header, as U-Boot accepts it', async () => {
    const path = await workspace.write(
      'layout.tsv.stm32',
      wrapStm32V1(new TextEncoder().encode(baseLayout())),
    );
    const plan = await loadFlashLayout(path);
    expect(plan.uboot.result).toBe('accepted');
    expect(plan.partitions).toHaveLength(3);
    expect(plan.problems.map((problem) => problem.code)).toContain('layout-wrapped');
  });
});
