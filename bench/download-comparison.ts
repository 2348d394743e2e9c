/**
 * The same download by three programs, timed whole (process start included), in rotating order:
 * our CLI (`stm32mp-flash download --alt <alt> --json <file>`), `dfu-util -a <index> -D <file>`, and
 * the smallest Node program over the `usb` package (real-usb-package-cli.ts); after each round, the
 * same download by a bare loop over the package inside this process. Used by the QEMU harness figure
 * (real-usb-guest.ts) and on a real board (real-board.ts).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './bench-stats.js';
import { packageDownloadS } from './real-usb-round-trip.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(REPO, 'bin', 'stm32mp-flash.js');
const PACKAGE_CLI = path.join(REPO, 'dist', 'bench', 'real-usb-package-cli.js');

export interface Timed {
  exitCode: number | null;
  seconds: number;
  /** When the first stdout line arrived (our --json `start` line: the board found and opened). */
  firstLineS: number | null;
  stdout: string;
  stderr: string;
}

export function timed(command: string, args: string[]): Promise<Timed> {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let firstLineS: number | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (firstLineS === null && stdout.includes('\n')) firstLineS = (performance.now() - start) / 1000;
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => (stderr += `${error.message}\n`));
    child.on('close', (code) =>
      resolve({ exitCode: code, seconds: (performance.now() - start) / 1000, firstLineS, stdout, stderr }),
    );
  });
}

export interface ComparisonInput {
  /** What our CLI gets for --alt (a name, an index or a phase ID). */
  altSpec: string;
  payload: string;
  rounds: number;
  /** Extra board options for our CLI (`--port 1-2`) and for dfu-util (`-p 1-2`). */
  oursBoardArgs?: string[];
  dfuUtilBoardArgs?: string[];
  /** Untimed downloads by the package loop before the rounds (the harness's board front warms up). */
  warmUpDownloads?: number;
}

export interface ComparisonResult {
  alt: number;
  blockBytes: number;
  oursS: number;
  dfuUtilS: number;
  /** ours / dfu-util, the median of the per-round ratios. */
  ratio: number;
  packageCliS: number;
  packageCliRatio: number;
  /** Our CLI's own --json `end` duration: the transfer without start-up. */
  oursTransferS: number;
  packageLoopS: number;
  oursStartLineS: number;
  runs: { ours: number[]; dfuUtil: number[]; packageCli: number[] };
}

function failedRun(what: string, run: Timed): Error {
  // The first line says what failed, the last one (dfu-util's habit) often why.
  const lines = run.stderr.trim().split('\n');
  const text = lines.length <= 2 ? lines.join(' ') : `${lines[0]} … ${lines.at(-1)}`;
  return new Error(`${what} failed (exit ${run.exitCode}): ${text}`);
}

export async function compareDownloads(input: ComparisonInput): Promise<ComparisonResult> {
  const { payload } = input;
  const oursArgs = [
    CLI,
    'download',
    '--alt',
    input.altSpec,
    '--json',
    ...(input.oursBoardArgs ?? []),
    payload,
  ];
  // One untimed run of ours: it finds the board, resolves --alt to an index and reads wTransferSize.
  const probe = await timed(process.execPath, oursArgs);
  if (probe.exitCode !== 0) throw failedRun('our download', probe);
  const start = JSON.parse(probe.stdout.split('\n')[0]!) as {
    alt: { index: number };
    transferSizeBytes: number;
  };
  const alt = start.alt.index;
  const blockBytes = start.transferSizeBytes;
  const payloadBytes = new Uint8Array(await readFile(payload));
  for (let i = 0; i < (input.warmUpDownloads ?? 0); i++)
    await packageDownloadS(alt, payloadBytes, blockBytes);

  const ours: Timed[] = [];
  const theirs: Timed[] = [];
  const packageCli: Timed[] = [];
  const packageLoop: number[] = [];
  const tools: [string, Timed[], () => Promise<Timed>][] = [
    ['our download', ours, () => timed(process.execPath, oursArgs)],
    [
      'dfu-util',
      theirs,
      () =>
        timed('dfu-util', [
          '-d',
          '0483:df11',
          ...(input.dfuUtilBoardArgs ?? []),
          '-a',
          String(alt),
          '-D',
          payload,
        ]),
    ],
    [
      'the package CLI',
      packageCli,
      () => timed(process.execPath, [PACKAGE_CLI, String(alt), payload, String(blockBytes)]),
    ],
  ];
  for (let round = 0; round < input.rounds; round++) {
    // Rotating who goes first (A B C, B C A, C A B, …): a drift of the machine falls on all alike,
    // and each round's three runs are close in time, so their ratios are taken per round.
    for (let i = 0; i < tools.length; i++) {
      const [what, runs, run] = tools[(round + i) % tools.length]!;
      const result = await run();
      if (result.exitCode !== 0) throw failedRun(what, result);
      runs.push(result);
    }
    packageLoop.push(await packageDownloadS(alt, payloadBytes, blockBytes));
  }
  const transferS = ours.map((r) => {
    const end = r.stdout.trim().split('\n').at(-1) ?? '{}';
    return ((JSON.parse(end) as { durationMs?: number }).durationMs ?? NaN) / 1000;
  });
  return {
    alt,
    blockBytes,
    oursS: median(ours.map((r) => r.seconds)),
    dfuUtilS: median(theirs.map((r) => r.seconds)),
    ratio: median(ours.map((r, i) => r.seconds / theirs[i]!.seconds)),
    packageCliS: median(packageCli.map((r) => r.seconds)),
    packageCliRatio: median(packageCli.map((r, i) => r.seconds / theirs[i]!.seconds)),
    oursTransferS: median(transferS),
    packageLoopS: median(packageLoop),
    oursStartLineS: median(ours.map((r) => r.firstLineS ?? NaN)),
    runs: {
      ours: ours.map((r) => r.seconds),
      dfuUtil: theirs.map((r) => r.seconds),
      packageCli: packageCli.map((r) => r.seconds),
    },
  };
}
