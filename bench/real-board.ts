/**
 * The real-USB comparison on a real board, on the machine it is plugged into:
 *
 *   npm run bench:real-board -- --alt <name|index|0xID> --yes [--size-mib 8] [--rounds 4] [--port <path>] [-o out.json]
 *
 * The board must sit in U-Boot's stm32prog partition enumeration, e.g. after
 * `stm32mp-flash flash -w <layout.tsv> --no-detach`, and be the only ST DFU device on the bus (the
 * package-only program takes the first one). The same pattern file then goes to `--alt` with our CLI,
 * `dfu-util` and the smallest Node program over the `usb` package, in rotating rounds
 * (bench/download-comparison.ts). It OVERWRITES that partition: hence `--yes`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { writePatternFile } from '../main/sample/sample-layout.js';
import { MiB } from './bench-fixture.js';
import { round } from './bench-stats.js';
import { compareDownloads } from './download-comparison.js';
import { machineInfo } from './machine-info.js';

const USAGE =
  'usage: npm run bench:real-board -- --alt <name|index|0xID> --yes [--size-mib 8] [--rounds 4] [--port <path>] [-o out.json]';

function fail(message: string): never {
  process.stderr.write(`real-board: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function positiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) fail(`${option} ${text}: expected a whole number above 0.`);
  return value;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        alt: { type: 'string' },
        yes: { type: 'boolean', default: false },
        'size-mib': { type: 'string', default: '8' },
        rounds: { type: 'string', default: '4' },
        port: { type: 'string' },
        out: { type: 'string', short: 'o' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (!values.alt) fail('--alt is required: the partition the test pattern goes to.');
  if (!values.yes)
    fail(`this writes a test pattern over the partition ${values.alt} of the board; pass --yes to go on.`);
  const sizeMiB = positiveInteger(values['size-mib'], '--size-mib');
  const rounds = positiveInteger(values.rounds, '--rounds');
  try {
    await promisify(execFile)('dfu-util', ['--version']);
  } catch {
    fail('dfu-util is not on PATH (Debian/Ubuntu: apt-get install dfu-util).');
  }

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'real-board-'));
  try {
    const payload = path.join(scratch, 'pattern.bin');
    await writePatternFile(payload, sizeMiB * MiB, 77);
    const compared = await compareDownloads({
      altSpec: values.alt,
      payload,
      rounds,
      ...(values.port
        ? { oursBoardArgs: ['--port', values.port], dfuUtilBoardArgs: ['-p', values.port] }
        : {}),
    });
    const report = {
      generatedAt: new Date().toISOString(),
      machine: machineInfo(),
      fileBytes: sizeMiB * MiB,
      altSpec: values.alt,
      alt: compared.alt,
      blockBytes: compared.blockBytes,
      oursS: round(compared.oursS, 3),
      dfuUtilS: round(compared.dfuUtilS, 3),
      ratio: round(compared.ratio, 3),
      packageCliS: round(compared.packageCliS, 3),
      packageCliRatio: round(compared.packageCliRatio, 3),
      oursTransferS: round(compared.oursTransferS, 3),
      packageLoopS: round(compared.packageLoopS, 3),
      oursStartLineS: round(compared.oursStartLineS, 3),
      runs: {
        ours: compared.runs.ours.map((s) => round(s, 3)),
        dfuUtil: compared.runs.dfuUtil.map((s) => round(s, 3)),
        packageCli: compared.runs.packageCli.map((s) => round(s, 3)),
      },
      method:
        'Our CLI, dfu-util and the smallest Node program over the usb package each download the same pattern ' +
        `file to the same alternate of a real board in U-Boot's stm32prog, timed whole (process start included), ` +
        `${rounds} rounds rotating which goes first; ratios to dfu-util per round, then the median.`,
    };
    const text = `${JSON.stringify(report, null, 2)}\n`;
    if (values.out) await writeFile(values.out, text);
    process.stdout.write(text);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`real-board: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
