import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '../../../main/core/app-error.js';
import { openFileBlockSource } from '../../../main/dfu/file-block-source.js';
import { rechunk } from '../../../main/dfu/dfu-blocks.js';

let dir = '';
const content = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fbs-'));
  await writeFile(join(dir, 'image.bin'), content);
  await writeFile(join(dir, 'empty.bin'), new Uint8Array(0));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openFileBlockSource', () => {
  it('reports the size and yields the whole file in bounded chunks', async () => {
    const source = await openFileBlockSource(join(dir, 'image.bin'), { chunkBytes: 3000 });
    expect(source.sizeBytes).toBe(10_000);
    const sizes: number[] = [];
    const all: number[] = [];
    for await (const chunk of source) {
      sizes.push(chunk.length);
      all.push(...chunk);
    }
    expect(sizes).toEqual([3000, 3000, 3000, 1000]);
    expect(all).toEqual(Array.from(content));
  });

  it('feeds the DFU re-blocking unchanged', async () => {
    const source = await openFileBlockSource(join(dir, 'image.bin'), { chunkBytes: 1500 });
    const blocks: Uint8Array[] = [];
    for await (const block of rechunk(source, 4096)) blocks.push(block.slice());
    expect(blocks.map((b) => b.length)).toEqual([4096, 4096, 1808]);
    expect(Array.from(blocks[2]!)).toEqual(Array.from(content.subarray(8192)));
  });

  it('can be iterated again and stopped early', async () => {
    const source = await openFileBlockSource(join(dir, 'image.bin'), { chunkBytes: 4000 });
    for await (const chunk of source) {
      expect(chunk.length).toBe(4000);
      break;
    }
    let total = 0;
    for await (const chunk of source) total += chunk.length;
    expect(total).toBe(10_000);
  });

  it('yields nothing for an empty file', async () => {
    const source = await openFileBlockSource(join(dir, 'empty.bin'));
    expect(source.sizeBytes).toBe(0);
    const chunks: Uint8Array[] = [];
    for await (const chunk of source) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });

  it('names a missing file and a directory', async () => {
    await expect(openFileBlockSource(join(dir, 'nope.bin'))).rejects.toSatisfy((e: unknown) =>
      isAppError(e, 'file-not-found'),
    );
    await expect(openFileBlockSource(dir)).rejects.toSatisfy((e: unknown) => isAppError(e, 'not-a-file'));
  });

  it('rejects a bad chunk size', async () => {
    await expect(openFileBlockSource(join(dir, 'image.bin'), { chunkBytes: 0 })).rejects.toSatisfy(
      (e: unknown) => isAppError(e, 'bad-input'),
    );
  });
});
