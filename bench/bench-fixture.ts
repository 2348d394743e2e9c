import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SimSoc } from '../main/sim/index.js';
import { FIP_UUIDS, buildFip, patternBytes } from '../main/sample/image-builders.js';
import { writeSampleLayout } from '../main/sample/sample-layout.js';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export interface BenchLayout {
  dir: string;
  layoutPath: string;
  rootfsPath: string;
  /** The rootfs dominates what a flash sends: the other partitions and the layout are a few MiB. */
  rootfsBytes: number;
  /** Deletes the temp folder and everything in it. */
  remove(): Promise<void>;
}

/** Bytes of real data written into the sparse rootfs: one 4 KiB stamp every `STAMP_EVERY_BYTES`. */
export const STAMP_EVERY_BYTES = 64 * MiB;
const STAMP_BYTES = 4096;

/**
 * The ST-style sample layout (main/sample) with its rootfs replaced by a sparse file of `rootfsBytes`:
 * made with ftruncate, so it takes no disk and reads at memory speed, with a 4 KiB non-zero stamp
 * every 64 MiB so the data is not all zero (the flash really moves bytes; the simulated eMMC stores
 * only the stamps, so the simulator's memory does not grow with the image).
 */
export async function writeBenchLayout(options: {
  soc: SimSoc;
  rootfsBytes: number;
  /**
   * A 100 KiB FIP and a 256 KiB bootfs instead of the sample's 1 MiB and 2 MiB (same builders, valid
   * TOC), as the USB harness does: the FIP goes through ROM/TF-A in 1 KiB blocks, which dominates a
   * flash on a slow device model without telling more.
   */
  trimmed?: boolean;
}): Promise<BenchLayout> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stm32mp-bench-'));
  const { layoutPath, files } = await writeSampleLayout(dir, { soc: options.soc, rootfsBytes: 4096 });
  if (options.trimmed) {
    const fipName = files.find((f) => /^fip-.*-optee\.bin$/.test(f.name))!.name;
    const fip = buildFip(
      [
        { uuid: FIP_UUIDS.bl32, payload: patternBytes(32 * 1024, 10) },
        { uuid: FIP_UUIDS.bl33, payload: patternBytes(64 * 1024, 11) },
      ],
      0x1234,
    );
    await writeFile(path.join(dir, fipName), fip);
    await writeFile(path.join(dir, 'bootfs.ext4'), patternBytes(256 * 1024, 21));
  }
  const rootfsPath = path.join(dir, 'rootfs.ext4');
  await writeSparseFile(rootfsPath, options.rootfsBytes);
  return {
    dir,
    layoutPath,
    rootfsPath,
    rootfsBytes: options.rootfsBytes,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function writeSparseFile(filePath: string, sizeBytes: number): Promise<void> {
  const handle = await open(filePath, 'w');
  try {
    await handle.truncate(sizeBytes);
    const stamp = new Uint8Array(STAMP_BYTES);
    for (let offset = 0; offset < sizeBytes; offset += STAMP_EVERY_BYTES) {
      const view = new DataView(stamp.buffer);
      for (let i = 0; i < STAMP_BYTES; i += 4) view.setUint32(i, (offset / STAMP_BYTES + i) >>> 0, true);
      const length = Math.min(STAMP_BYTES, sizeBytes - offset);
      await handle.write(stamp, 0, length, offset);
    }
  } finally {
    await handle.close();
  }
}
