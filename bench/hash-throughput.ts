import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { readBinaryFacts } from '../main/layout/binary-reader.js';
import { writePatternFile } from '../main/sample/sample-layout.js';
import { MiB } from './bench-fixture.js';
import { median, round } from './bench-stats.js';

const run = promisify(execFile);

export interface HashResult {
  /** readBinaryFacts(…, { hash: true }) from main/layout (streamed node:crypto SHA-256). */
  ours: number;
  /** GNU coreutils sha256sum on the same file, in the same run. */
  sha256sum: number | null;
  fileBytes: number;
  method: string;
}

export async function measureHashThroughput(
  options: { fileBytes?: number; rounds?: number } = {},
): Promise<HashResult> {
  const fileBytes = options.fileBytes ?? 256 * MiB;
  const rounds = options.rounds ?? 3;
  const dir = await mkdtemp(path.join(tmpdir(), 'stm32mp-bench-hash-'));
  const file = path.join(dir, 'rootfs.ext4');
  try {
    await writePatternFile(file, fileBytes, 7);
    // Both read the file from the page cache: warm it once.
    await readFile(file).then(() => undefined);
    const ours: number[] = [];
    const theirs: number[] = [];
    let ourDigest = '';
    let theirDigest: string | null = null;
    for (let r = 0; r < rounds; r++) {
      let start = performance.now();
      const facts = await readBinaryFacts(file, { hash: true, searchUsbMarkers: false });
      ours.push(performance.now() - start);
      if (facts.state !== 'ok' || !facts.sha256) throw new Error('hashing failed');
      ourDigest = facts.sha256;
      start = performance.now();
      try {
        const { stdout } = await run('sha256sum', [file]);
        theirs.push(performance.now() - start);
        theirDigest = stdout.split(/\s/)[0] ?? null;
      } catch {
        theirDigest = null;
      }
    }
    if (theirDigest !== null && theirDigest !== ourDigest) throw new Error('sha256sum and ours disagree');
    const mib = fileBytes / MiB;
    return {
      ours: round(mib / (median(ours) / 1000), 1),
      sha256sum: theirs.length === rounds ? round(mib / (median(theirs) / 1000), 1) : null,
      fileBytes,
      method:
        `A ${mib} MiB pattern file (not sparse) in a temp folder, read once to be in the page cache; alternately ` +
        `our readBinaryFacts(path, { hash: true }) (1 MiB stream chunks into node:crypto SHA-256) and ` +
        `\`sha256sum <file>\` (process start included), ${rounds} rounds each, median; digests compared.`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
