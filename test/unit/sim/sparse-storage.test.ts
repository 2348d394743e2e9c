import { describe, expect, it } from 'vitest';
import { SparseStorage } from '../../../main/sim/sparse-storage.js';
import { digest, pseudoRandomBytes } from './helpers/images.js';

const GiB = 1024 ** 3;

describe('SparseStorage', () => {
  it('reads back what was written across chunk boundaries; unwritten bytes read as the fill value', () => {
    const store = new SparseStorage(1024 * 1024, 0xff, 4096);
    const data = pseudoRandomBytes(10_000, 1);
    store.write(4000, data);
    expect(digest(store.read(4000, data.length))).toBe(digest(data));
    expect([...store.read(3998, 2)]).toEqual([0xff, 0xff]);
    expect(store.allocatedBytes()).toBe(4 * 4096);
  });

  it('does not allocate chunks that hold only the fill value, and frees them again', () => {
    const store = new SparseStorage(GiB);
    store.write(0, new Uint8Array(8 * 1024 * 1024));
    expect(store.allocatedBytes()).toBe(0);
    store.write(70_000, Uint8Array.of(1));
    expect(store.allocatedBytes()).toBe(64 * 1024);
    store.write(70_000, Uint8Array.of(0));
    expect(store.allocatedBytes()).toBe(0);
  });

  it('takes a 4 GiB, mostly-zero image at an offset above 4 GiB without allocating it', () => {
    const store = new SparseStorage(16 * GiB);
    const slice = new Uint8Array(64 * 1024 * 1024);
    const base = 0x105984400;
    const markers: [number, Uint8Array][] = [];
    for (let i = 0; i < 64; i++) {
      const marker = pseudoRandomBytes(512, i + 1);
      slice.set(marker, 1000);
      store.write(base + i * slice.length, slice);
      markers.push([base + i * slice.length + 1000, marker]);
      slice.fill(0, 1000, 1512);
    }
    // 64 × 64 MiB = 4 GiB written; only the 64 chunks that carry a marker are held.
    expect(store.allocatedBytes()).toBeLessThanOrEqual(64 * 2 * 64 * 1024);
    for (const [at, marker] of markers) expect(digest(store.read(at, marker.length))).toBe(digest(marker));
    expect(digest(store.read(base + 4 * GiB - 100, 100))).toBe(digest(new Uint8Array(100)));
  });

  it('erase returns a range to the fill value', () => {
    const store = new SparseStorage(1024 * 1024, 0xff, 4096);
    store.write(0, pseudoRandomBytes(20_000, 2));
    store.erase(4096, 8192);
    expect(store.read(4096, 8192).every((b) => b === 0xff)).toBe(true);
    store.erase(0, 20_000);
    expect(store.allocatedBytes()).toBe(0);
  });

  it('refuses ranges outside the medium', () => {
    const store = new SparseStorage(4096);
    expect(() => store.write(4000, new Uint8Array(100))).toThrow(RangeError);
    expect(() => store.read(-1, 1)).toThrow(RangeError);
  });
});
