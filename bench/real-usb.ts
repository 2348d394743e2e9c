import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MiB } from './bench-fixture.js';
import { round } from './bench-stats.js';

export interface RealUsbResult {
  /** Seconds for `stm32mp-flash download --alt rootfs <file>` over the kernel USB bus (process start included). */
  oursS: number;
  /** Seconds for `dfu-util -a <index> -D <file>`: same guest, same board, same partition, same run. */
  dfuUtilS: number;
  /** ours / dfu-util, the median of the per-round ratios (below 1: ours is faster). */
  ratio: number;
}

export interface RealUsbDetails {
  fileBytes: number;
  /** Our transfer alone (the CLI's own --json `end` duration), without Node's start-up under TCG. */
  oursTransferS: number;
  /**
   * The same download by a bare loop over the `usb` package inside one process (no process start, no
   * code of ours): the floor for a host on this package, to compare with oursTransferS.
   */
  packageLoopS: number;
  /**
   * The smallest Node program over the `usb` package doing the same download (real-usb-package-cli.ts),
   * timed whole like both tools: the floor for any Node CLI on this package, start-up included.
   */
  packageCliS: number;
  /** packageCliS / dfu-util, median of the per-round ratios: below this no Node CLI on the package goes. */
  packageCliRatio: number;
  /** From starting our CLI to its `start` line: Node start-up, module loading, board found and opened. */
  oursStartLineS: number;
  /** `node -e 0` in the same guest: what Node's own start-up costs there. */
  nodeStartS: number;
  /** Median GETSTATUS round trip (ms): through our transport, and through the `usb` package alone. */
  roundTripMs: { ours: number; usbPackage: number };
  /** The guest's vCPUs (USB_HARNESS_SMP). */
  guestCpus: number;
  runs: { ours: number[]; dfuUtil: number[]; packageCli: number[] };
  method: string;
}

export interface RealUsbOutcome {
  result: RealUsbResult | null;
  reason: string | null;
  details: RealUsbDetails | null;
}

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const HARNESS = path.join(REPO, 'test', 'usb-harness');
const exec = promisify(execFile);
/**
 * One vCPU: under TCG thread=single, two vCPUs share one host thread, so every wake-up of another
 * thread (node-usb's native threads, the board front) waits for the other vCPU's time slice. Measured
 * here on 2 MiB: ours 30.7 s vs dfu-util 6.3 s with 2 vCPUs, 10.5 s vs 4.1 s with 1 — the emulator's
 * scheduling, not the tools, dominated the 2-vCPU figure.
 */
const GUEST_CPUS = 1;

async function onPath(tool: string): Promise<boolean> {
  try {
    await exec('sh', ['-c', `command -v ${tool}`]);
    return true;
  } catch {
    return false;
  }
}

function run(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const nothing = (reason: string): RealUsbOutcome => ({ result: null, reason, details: null });

/**
 * Our CLI against dfu-util on a real kernel USB bus (the QEMU guest of test/usb-harness with a
 * FunctionFS board front). Returns null with the reason whenever the harness cannot run here.
 */
export async function measureRealUsb(options: { quick: boolean }): Promise<RealUsbOutcome> {
  if (process.env['BENCH_REAL_USB'] === '0') return nothing('skipped: BENCH_REAL_USB=0');
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return nothing('the harness needs Linux x86_64');
  if (!existsSync(path.join(HARNESS, 'run-in-guest.sh')))
    return nothing('test/usb-harness/run-in-guest.sh is missing');
  for (const tool of ['qemu-system-x86_64', 'dfu-util']) {
    if (!(await onPath(tool))) return nothing(`${tool} is not installed`);
  }
  const build = await run(
    process.execPath,
    [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', HARNESS],
    300_000,
  );
  if (build.code !== 0)
    return nothing(
      `the harness does not build (tsc -b test/usb-harness): ${build.output.trim().split('\n')[0] ?? ''}`,
    );
  const fileBytes = (options.quick ? 1 : 2) * MiB;
  // Rounds of (ours, dfu-util, package loop), the median of each counts; with one vCPU a 2 MiB run takes
  // 3–10 s. Read here: the guest does not inherit this environment.
  const rounds = Number(process.env['BENCH_REAL_USB_ROUNDS'] ?? 4);
  if (!Number.isInteger(rounds) || rounds < 1)
    return nothing(
      `BENCH_REAL_USB_ROUNDS=${process.env['BENCH_REAL_USB_ROUNDS']}: expected a whole number ≥ 1`,
    );
  // Under the repository: the guest shares the host's root read-only and mounts its own /tmp.
  const cache = path.join(REPO, '.cache', 'usb-harness');
  await mkdir(cache, { recursive: true });
  const work = await mkdtemp(path.join(cache, 'bench-'));
  try {
    const resultPath = path.join(work, 'real-usb.json');
    const guest = await run(
      'env',
      [
        `USB_HARNESS_SMP=${GUEST_CPUS}`,
        'bash',
        path.join(HARNESS, 'run-in-guest.sh'),
        '--timeout-s',
        '420',
        '--work',
        work,
        '--',
        process.execPath,
        path.join(REPO, 'dist', 'bench', 'real-usb-guest.js'),
        String(fileBytes),
        resultPath,
        String(rounds),
      ],
      480_000,
    );
    const harnessFailure = /usb-harness: FAILED: (.*)/.exec(guest.output)?.[1];
    if (guest.code === 97 || harnessFailure)
      return nothing(`the harness failed: ${harnessFailure ?? 'exit 97'}`);
    if (!existsSync(resultPath))
      return nothing(
        `the guest wrote no result (exit ${guest.code ?? 'killed'}): ${guest.output.slice(-300)}`,
      );
    const data = JSON.parse(await readFile(resultPath, 'utf8')) as
      | { ok: false; error: string }
      | ({ ok: true; oursS: number; dfuUtilS: number; ratio: number } & Omit<
          RealUsbDetails,
          'method' | 'guestCpus'
        >);
    if (!data.ok) return nothing(`the measurement in the guest failed: ${data.error}`);
    return {
      result: {
        oursS: round(data.oursS, 2),
        dfuUtilS: round(data.dfuUtilS, 2),
        ratio: round(data.ratio, 3),
      },
      reason: null,
      details: {
        fileBytes,
        oursTransferS: round(data.oursTransferS, 2),
        packageLoopS: round(data.packageLoopS, 2),
        packageCliS: round(data.packageCliS, 2),
        packageCliRatio: round(data.packageCliRatio, 3),
        oursStartLineS: round(data.oursStartLineS, 2),
        nodeStartS: round(data.nodeStartS, 2),
        roundTripMs: {
          ours: round(data.roundTripMs.ours, 2),
          usbPackage: round(data.roundTripMs.usbPackage, 2),
        },
        guestCpus: GUEST_CPUS,
        runs: data.runs,
        method:
          `In the test/usb-harness QEMU guest (TCG, ${GUEST_CPUS} vCPU, dummy_hcd + FunctionFS board front), one simulated MP15 board is ` +
          'flashed with a trimmed sample layout by the production backend without the final DETACH, so it stays in ' +
          `U-Boot's partition enumeration; then a ${fileBytes / MiB} MiB file goes to the rootfs partition (0x11) with ` +
          '`stm32mp-flash download --alt rootfs`, with `dfu-util -a <index> -D` and with the smallest Node program over ' +
          'the usb package (bench/real-usb-package-cli.ts: load, open, DNLOAD/GETSTATUS loop, exit), same partition, same run: ' +
          "each command's wall time, process start included for all three, after a warm-up of the board front " +
          '(one CLI download and four package-loop downloads: the front is a Node program whose JIT makes its first ' +
          `downloads several times slower), ${rounds} rounds (BENCH_REAL_USB_ROUNDS, default 4) rotating which ` +
          'tool goes first; times are medians, ratio and packageCliRatio the medians of the per-round ratios to dfu-util ' +
          '(the guest drifts by tens of percent within a run; runs of one round are close in time). oursStartLineS: from starting our CLI to its first --json line (board found and opened). ' +
          'packageLoopS: the same download by a bare DNLOAD/GETSTATUS loop over the usb package in one process, ' +
          'after each pair of runs (median); set it against oursTransferS (our CLI without its start-up). ' +
          'roundTripMs: median of 200 GETSTATUS through our transport and through the usb package alone.',
      },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
