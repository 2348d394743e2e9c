import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { loadFlashLayout } from '../main/layout/load-flash-layout.js';
import { median, round } from './bench-stats.js';

export interface LayoutParseResult {
  files: number;
  /** Median over files of each file's median load time (ms). */
  medianPerFileMs: number;
  /** Sum over files of each file's median load time (ms). */
  totalMs: number;
  slowestFileMs: number;
  rounds: number;
  method: string;
}

/** The real FlashLayout corpus beside the repository (same rule as test/helpers/real-layouts-dir.ts). */
export function realLayoutsDir(): string | null {
  const dir =
    process.env.STM32MP_LAYOUT_CORPUS ??
    fileURLToPath(new URL('../../../shared/flashlayouts/real/', import.meta.url));
  return existsSync(dir) ? dir : null;
}

export async function measureLayoutParse(
  options: { rounds?: number } = {},
): Promise<LayoutParseResult | null> {
  const dir = realLayoutsDir();
  if (!dir) return null;
  const rounds = options.rounds ?? 7;
  const files = (await readdir(dir))
    .filter((name) => name !== 'SOURCES.md')
    .sort()
    .map((name) => path.join(dir, name));
  const times = new Map<string, number[]>(files.map((file) => [file, []]));
  // One untimed round loads the modules' code paths and the files into the page cache.
  for (const file of files) await loadFlashLayout(file, { hash: false });
  for (let r = 0; r < rounds; r++) {
    for (const file of files) {
      const start = performance.now();
      await loadFlashLayout(file, { hash: false });
      times.get(file)!.push(performance.now() - start);
    }
  }
  const perFile = files.map((file) => median(times.get(file)!));
  return {
    files: files.length,
    medianPerFileMs: round(median(perFile), 3),
    totalMs: round(
      perFile.reduce((a, b) => a + b, 0),
      2,
    ),
    slowestFileMs: round(Math.max(...perFile), 3),
    rounds,
    method:
      `Every layout of the real corpus (../shared/flashlayouts/real) through loadFlashLayout(path, { hash: false }) — ` +
      'read, decode, parse, semantic checks, and the header probe of each binary the layout names (missing ones ' +
      `included) — after one untimed round; per-file median of ${rounds} rounds, then the median and the sum over files.`,
  };
}
