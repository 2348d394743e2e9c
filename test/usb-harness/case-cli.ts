import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SocId } from '../../shared/domain/flash-event.js';
import type { FaultScenarioId } from '../../main/sim/index.js';
import { FIP_UUIDS, buildFip, patternBytes } from '../../main/sample/image-builders.js';
import { writeSampleLayout } from '../../main/sample/sample-layout.js';
import { parseJournal } from '../../main/session/journal/journal-reader.js';
import type { CaseContext } from './case-backend-direct.js';
import { FrontProcess } from './front-process.js';
import type { FrontReport, PartitionCheck, Presentation } from './front-protocol.js';

/**
 * Cases that run the real CLI (`node bin/stm32mp-flash.js`, production backend: no --sim) against a
 * simulated board on the guest's real bus. The guest's root is a read-only share: HOME is not
 * writable, only the folders a case hands the CLI (--journal on a tmpfs) are.
 */
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = path.join(REPO, 'bin', 'stm32mp-flash.js');
/** rootfs of the sample layouts: small, the gadget path moves about 1 MiB/s under TCG. */
const ROOTFS_BYTES = 64 * 1024;
/** Trimmed FIP payloads and bootfs (see trimSample). */
const FIP_BL32_BYTES = 32 * 1024;
const FIP_BL33_BYTES = 64 * 1024;
const BOOTFS_BYTES = 256 * 1024;

export interface CliRun {
  args: string[];
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], timeoutMs: number): Promise<CliRun> {
  return runTool(process.execPath, [CLI, ...args], timeoutMs);
}

function runTool(command: string, args: string[], timeoutMs: number): Promise<CliRun> {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: REPO,
      // HOME stays the read-only /root: the CLI must cope with it.
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/root' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        args: [command, ...args],
        exitCode: code,
        signal,
        durationMs: performance.now() - start,
        stdout,
        stderr,
      });
    });
  });
}

/** Waits until the host side of the guest has enumerated the gadget (usbcore device 1-1). */
async function hostSeesBoard(timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (!existsSync('/sys/bus/usb/devices/1-1/serial')) {
    if (performance.now() - start > timeoutMs) throw new Error('the host never enumerated the board');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - start;
}

export interface CliListResult {
  json: CliRun;
  text: CliRun;
  board: FrontReport;
}

export async function cliList(_ctx: CaseContext): Promise<CliListResult> {
  const front = FrontProcess.start({ soc: 'mp15' });
  try {
    await front.waitForPresentation(1, 30_000);
    await hostSeesBoard(15_000);
    const json = await runCli(['list', '--json'], 60_000);
    const text = await runCli(['list'], 60_000);
    return { json, text, board: await front.report() };
  } finally {
    await front.stop();
  }
}

/**
 * The sample's 1 MiB FIP goes through ROM/TF-A in 1 KiB blocks (about a minute under TCG, twice per
 * flash with fip-a) and its 2 MiB bootfs through U-Boot; the same requests in the same order at a
 * tenth of the size prove the same thing. Same builders, same kinds of image, valid TOC.
 */
async function trimSample(files: { name: string; sizeBytes: number }[], dir: string): Promise<void> {
  for (const file of files) {
    if (/^fip-.*-optee\.bin$/.test(file.name)) {
      const fip = buildFip(
        [
          { uuid: FIP_UUIDS.bl32, payload: patternBytes(FIP_BL32_BYTES, 10) },
          { uuid: FIP_UUIDS.bl33, payload: patternBytes(FIP_BL33_BYTES, 11) },
        ],
        0x1234,
      );
      await writeFile(path.join(dir, file.name), fip);
      file.sizeBytes = fip.length;
    } else if (file.name === 'bootfs.ext4') {
      await writeFile(path.join(dir, file.name), patternBytes(BOOTFS_BYTES, 21));
      file.sizeBytes = BOOTFS_BYTES;
    }
  }
}

export interface FlashCase {
  soc: SocId;
  scenario?: FaultScenarioId;
  /** Extra CLI arguments (timeouts). */
  args?: string[];
  /** Give the CLI a writable --journal folder; otherwise it must fall back to a warning. */
  journal: boolean;
  timeoutMs?: number;
}

/** One `--json` line of the CLI (a FlashEvent), kept loosely typed: the harness checks the CLI's output. */
export type JsonLine = Record<string, unknown> & { type: string };

export interface CliFlashResult {
  layout: string;
  files: { name: string; sizeBytes: number }[];
  run: Omit<CliRun, 'stdout'> & { stdoutLines: number };
  outcome: JsonLine | null;
  eventTypes: Record<string, number>;
  partitionEnds: JsonLine[];
  stageEvents: JsonLine[];
  journalFiles: string[];
  /** The session journal the CLI wrote to the --journal folder, read back with the app's reader. */
  journal: { events: number; truncated: boolean; skippedLines: number; lastType: string | null } | null;
  checks: PartitionCheck[];
  board: FrontReport;
  presentations: Presentation[];
}

export async function cliFlash(ctx: CaseContext, spec: FlashCase): Promise<CliFlashResult> {
  const name = `${spec.soc}${spec.scenario ? `-${spec.scenario}` : ''}`;
  const sample = await writeSampleLayout(path.join(ctx.scratchDir, `layout-${name}`), {
    soc: spec.soc,
    rootfsBytes: ROOTFS_BYTES,
  });
  if (!ctx.fullSamples) await trimSample(sample.files, path.dirname(sample.layoutPath));
  const journalDir = path.join('/tmp', `journal-${name}`);
  if (spec.journal) await mkdir(journalDir, { recursive: true });
  const front = FrontProcess.start({ soc: spec.soc, ...(spec.scenario ? { scenario: spec.scenario } : {}) });
  try {
    await front.waitForPresentation(1, 30_000);
    await hostSeesBoard(15_000);
    const args = [
      'flash',
      '-w',
      sample.layoutPath,
      '--json',
      ...(spec.journal ? ['--journal', journalDir] : []),
      ...(spec.args ?? []),
    ];
    const run = await runCli(args, spec.timeoutMs ?? 600_000);
    const events = run.stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line): JsonLine => {
        try {
          return JSON.parse(line) as JsonLine;
        } catch {
          return { type: 'unparsable', line };
        }
      });
    const journalFiles = spec.journal ? await readdir(journalDir) : [];
    const journalText = journalFiles[0]
      ? await readFile(path.join(journalDir, journalFiles[0]), 'utf8')
      : null;
    const parsed = journalText === null ? null : parseJournal(journalText);
    const journal = parsed && {
      events: parsed.events.length,
      truncated: parsed.truncated,
      skippedLines: parsed.skippedLines.length,
      lastType: parsed.events.at(-1)?.type ?? null,
    };
    return {
      layout: sample.layoutPath,
      files: sample.files,
      run: { ...withoutStdout(run), stdoutLines: events.length },
      outcome: events.at(-1) ?? null,
      eventTypes: countBy(events.map((e) => e.type)),
      partitionEnds: events.filter((e) => e.type === 'partition-end'),
      stageEvents: events.filter((e) => e.type === 'stage' || e.type === 'identity'),
      journalFiles,
      journal,
      checks: await front.verifyLayout(sample.layoutPath),
      board: await front.report(),
      presentations: front.presentations(),
    };
  } finally {
    await front.stop();
  }
}

function withoutStdout(run: CliRun): Omit<CliRun, 'stdout'> {
  const { stdout: _stdout, ...rest } = run;
  return rest;
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

export interface DfuUtilResult {
  list: CliRun;
  upload: CliRun;
  /** What dfu-util read from the virtual alternate (GetPhase), hex. */
  uploaded: string | null;
  board: FrontReport;
}

/**
 * The same front seen by an independent host (dfu-util over libusb): separates a front problem from
 * a backend problem when a backend case fails.
 */
export async function dfuUtilMp15(ctx: CaseContext): Promise<DfuUtilResult> {
  const front = FrontProcess.start({ soc: 'mp15' });
  const file = path.join(ctx.scratchDir, 'dfu-util-phase.bin');
  try {
    await front.waitForPresentation(1, 30_000);
    await hostSeesBoard(15_000);
    const list = await runTool('dfu-util', ['-l'], 30_000);
    const upload = await runTool('dfu-util', ['-d', '0483:df11', '-a', '5', '-t', '9', '-U', file], 30_000);
    const uploaded = existsSync(file) ? (await readFile(file)).toString('hex') : null;
    return { list, upload, uploaded, board: await front.report() };
  } finally {
    await front.stop();
  }
}

export interface CliPartitionIterationResult {
  flash: Omit<CliRun, 'stdout'> & { detachStages: string[]; outcome: JsonLine | null };
  download: CliRun;
  upload: CliRun;
  downloadedBytes: number;
  /** The upload returned exactly what the download wrote. */
  uploadMatches: boolean;
  board: FrontReport;
  presentations: Presentation[];
}

/**
 * The iteration loop `flash --no-detach` exists for: the full layout once, the board left in U-Boot's
 * stm32prog, then one partition rewritten with `download` and read back with `upload`, over the real
 * bus, without the board going back through the ROM code.
 */
export async function cliPartitionIteration(ctx: CaseContext): Promise<CliPartitionIterationResult> {
  const sample = await writeSampleLayout(path.join(ctx.scratchDir, 'layout-iteration'), {
    soc: 'mp15',
    rootfsBytes: ROOTFS_BYTES,
  });
  if (!ctx.fullSamples) await trimSample(sample.files, path.dirname(sample.layoutPath));
  const image = path.join(ctx.scratchDir, 'rootfs-next.bin');
  const imageBytes = patternBytes(ROOTFS_BYTES, 99);
  await writeFile(image, imageBytes);
  const readBack = path.join(ctx.scratchDir, 'rootfs-read-back.bin');
  const front = FrontProcess.start({ soc: 'mp15' });
  try {
    await front.waitForPresentation(1, 30_000);
    await hostSeesBoard(15_000);
    const flashRun = await runCli(['flash', '-w', sample.layoutPath, '--json', '--no-detach'], 600_000);
    const events = flashRun.stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as JsonLine);
    const download = await runCli(['download', '--alt', 'rootfs', '--json', image], 120_000);
    const upload = await runCli(
      ['upload', '--alt', 'rootfs', '--size', String(ROOTFS_BYTES), '--json', readBack],
      120_000,
    );
    const uploaded = existsSync(readBack) ? await readFile(readBack) : null;
    return {
      flash: {
        ...withoutStdout(flashRun),
        detachStages: events.filter((e) => e.type === 'detach').map((e) => String(e['stage'])),
        outcome: events.at(-1) ?? null,
      },
      download,
      upload,
      downloadedBytes: imageBytes.length,
      uploadMatches: uploaded !== null && Buffer.from(imageBytes).equals(uploaded),
      board: await front.report(),
      presentations: front.presentations(),
    };
  } finally {
    await front.stop();
  }
}
