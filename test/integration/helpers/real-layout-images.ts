import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FlashPlan, PlannedPartition } from '../../../shared/domain/flash-plan.js';
import type { SocId } from '../../../shared/domain/flash-event.js';
import type { Stm32HeaderVersion } from '../../../main/sample/image-builders.js';
import {
  FIP_UUIDS,
  buildFip,
  patternBytes,
  wrapWithStm32Header,
} from '../../../main/sample/image-builders.js';

const HEADER: Record<SocId, { version: Stm32HeaderVersion; load: number }> = {
  mp15: { version: 'v1', load: 0x2ffc2500 },
  mp13: { version: 'v2.0', load: 0x2ffe0000 },
  mp25: { version: 'v2.2', load: 0x0e012000 },
};

/** The SoC a real layout targets: its DDR-FIP row, else the board named in its file name. */
export function socOfLayout(fileName: string, plan: FlashPlan): SocId {
  if (plan.partitions.some((p) => p.phaseId === 0x02 && p.device === null)) return 'mp25';
  if (/mp2\d|mp25|mp23|mp21|stm32mp2/i.test(fileName)) return 'mp25';
  if (/mp13/i.test(fileName)) return 'mp13';
  return 'mp15';
}

function kindOf(binary: string, rows: PlannedPartition[]): 'stm32' | 'fip' | 'raw' {
  // A file named fip…, or the row TF-A loads (0x02/0x03) unless it is an old u-boot.stm32 SSBL.
  if (/fip/i.test(binary) || rows.some((r) => r.partType === 'FIP' || r.phaseId === 0x02)) return 'fip';
  if (rows.some((r) => r.phaseId === 0x03) && !/\.stm32$/i.test(binary)) return 'fip';
  if (/\.stm32$/i.test(binary) || rows.some((r) => r.phaseId === 0x01 || /^fsbl|^ssbl/i.test(r.name ?? '')))
    return 'stm32';
  return 'raw';
}

/**
 * Writes a binary of the right kind for every file a real layout names, at its relative path: STM32
 * images (the SoC's header version) for FSBL rows, FIP containers for FIP rows, patterned data for the
 * rest, each small enough for the room before the next partition. Returns the paths written.
 */
export async function writeImagesForLayout(
  layoutDir: string,
  plan: FlashPlan,
  soc: SocId,
  seed = 1,
): Promise<string[]> {
  const byBinary = new Map<string, PlannedPartition[]>();
  for (const row of plan.partitions) {
    if (!row.binary || row.binary === 'none' || row.status === 'invalid' || row.status === 'skip') continue;
    if (row.status === 'unused' || row.status === 'empty') continue;
    byBinary.set(row.binary, [...(byBinary.get(row.binary) ?? []), row]);
  }
  const written: string[] = [];
  let n = seed;
  for (const [binary, rows] of byBinary) {
    const room = Math.min(...rows.map((r) => r.roomBytes ?? Number.MAX_SAFE_INTEGER));
    const kind = kindOf(binary, rows);
    const header = HEADER[soc];
    const budget = Math.max(1024, Math.min(room, 96 * 1024));
    let bytes: Uint8Array;
    if (kind === 'stm32') {
      bytes = wrapWithStm32Header(patternBytes(Math.min(budget, 64 * 1024) - 0x200, n), {
        version: header.version,
        entryPoint: header.load,
        loadAddress: header.load,
      });
    } else if (kind === 'fip') {
      const ddr = rows.some((r) => r.phaseId === 0x02);
      bytes = buildFip(
        [
          {
            uuid: ddr ? FIP_UUIDS.hwConfig : FIP_UUIDS.bl33,
            payload: patternBytes(Math.min(budget, ddr ? 16 * 1024 : 64 * 1024) - 120, n),
          },
        ],
        0x100 + n,
      );
    } else {
      bytes = patternBytes(Math.min(budget, 48 * 1024 + n * 17), n);
    }
    const target = path.resolve(layoutDir, binary);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, bytes);
    written.push(target);
    n++;
  }
  return written;
}
