import { copyFile, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFlashLayout } from '../../main/layout/load-flash-layout.js';
import type { SimulatedBoardOptions, StorageDeviceSpec } from '../../main/sim/index.js';
import { SOC_PROFILES, defaultStorageDevices } from '../../main/sim/index.js';
import type { SocId } from '../../shared/domain/flash-event.js';
import type { FlashPlan } from '../../shared/domain/flash-plan.js';
import { realLayoutsDir } from '../helpers/real-layouts-dir.js';
import { writeImagesForLayout, socOfLayout } from './helpers/real-layout-images.js';
import { flashOnSim } from './helpers/sim-session.js';

const corpus = realLayoutsDir();

/**
 * The simulated board a layout was written for: a NAND when the layout has one, an SD card on mmc1
 * when its mmc1 offsets are not eMMC erase-group aligned, and ST's older TF-A (which asks for the
 * layout itself and takes an STM32 image as 0x03) for 2019-style layouts whose 0x03 is not a FIP.
 */
function boardFor(plan: FlashPlan, soc: SocId): Partial<SimulatedBoardOptions> {
  const storage: StorageDeviceSpec[] = defaultStorageDevices(SOC_PROFILES[soc].dramBase);
  const mmc1Sd = plan.partitions.some(
    (p) =>
      p.device?.kind === 'mmc' &&
      p.device.instance === 1 &&
      p.offsetBytes !== null &&
      p.bootPartition === null &&
      p.offsetBytes % 0x80000 !== 0,
  );
  const devices = storage.map((spec) =>
    mmc1Sd && spec.kind === 'mmc' && spec.instance === 1
      ? { ...spec, eraseGroupBlocks: 1, bootPartitionSizeBytes: 0 }
      : spec,
  );
  if (plan.partitions.some((p) => p.device?.kind === 'nand')) {
    devices.push({ kind: 'nand', instance: 0, sizeBytes: 1024 * 1024 * 1024, eraseSizeBytes: 256 * 1024 });
  }
  const ssbl = plan.partitions.find((p) => p.phaseId === 0x03 && p.device === null);
  const legacyTfa = ssbl !== undefined && ssbl.partType !== 'FIP' && !/fip/i.test(ssbl.binary ?? '');
  return {
    storage: devices,
    timing: { media: { nor: { eraseBytesPerSec: 1e9 }, nand: { eraseBytesPerSec: 1e9 } } },
    ...(legacyTfa ? { firmware: { tfa: 'legacy' } } : {}),
  };
}
const files = (await readdir(corpus)).filter((f) => f.endsWith('.tsv') || f.endsWith('.tsv.in')).sort();

/**
 * Every real layout that a simulated board can take (U-Boot accepts it, it has an FSBL and a FIP for
 * the serial-boot stages, no template placeholders), flashed end to end with generated images of the
 * right kind on a simulated board of its SoC; every written partition compared byte for byte.
 */
describe('real FlashLayouts flashed end to end on simulated boards', () => {
  it.each(files)('%s', async (file) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'real-'));
    const layoutPath = path.join(dir, file);
    await copyFile(path.join(corpus, file), layoutPath);
    const first = await loadFlashLayout(layoutPath);
    const flashable =
      first.uboot.result === 'accepted' &&
      first.partitions.some((p) => p.phaseId === 0x01 && p.device === null && p.binary !== 'none') &&
      first.partitions.some((p) => p.phaseId === 0x03 && p.device === null && p.binary !== 'none') &&
      !first.problems.some((p) => p.code === 'template-placeholder' || p.code === 'template-binary');
    if (!flashable) {
      // Not a serial-boot flash layout (templates, bare-metal single images, OpenBL loaders): the
      // layout tests cover its parsing; here we only check it is refused before a board is touched or
      // is not something a boot ROM would be given.
      expect(
        first.uboot.result !== 'accepted' ||
          !first.partitions.some((p) => p.phaseId === 0x03) ||
          first.problems.length > 0,
      ).toBe(true);
      return;
    }
    const soc = socOfLayout(file, first);
    await writeImagesForLayout(dir, first, soc);
    const plan = await loadFlashLayout(layoutPath);
    const errors = plan.problems.filter((p) => p.severity === 'error');
    expect(errors, JSON.stringify(errors.slice(0, 3))).toEqual([]);
    const run = await flashOnSim({ layoutPath, soc, board: boardFor(plan, soc) });
    await run.bus.close();
    expect(
      run.result.ok,
      JSON.stringify(run.result.diagnosis?.summary ?? run.events.find((e) => e.type === 'error')),
    ).toBe(true);
    for (const partition of plan.partitions.filter((p) => p.status === 'program' && p.file)) {
      const expected = new Uint8Array(await readFile(partition.file!.path));
      const stored = run.board.readPartition(partition.phaseId!, expected.length);
      expect(Buffer.compare(stored, expected), `${partition.name} (line ${partition.line})`).toBe(0);
    }
    expect(run.bus.invariantViolations()).toEqual([]);
  });
});
