import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../main/cli/cli-io.js';
import { selectAlt } from '../../main/cli/commands/alt-target.js';
import { runDownloadCommand } from '../../main/cli/commands/download-command.js';
import { runUploadCommand } from '../../main/cli/commands/upload-command.js';
import { runCli } from '../../main/cli/run-cli.js';
import { isAppError, type AppError } from '../../main/core/app-error.js';
import { patternBytes } from '../../main/sample/image-builders.js';
import type { SimulatedBus } from '../../main/sim/index.js';
import { flashOnSim, sampleLayout, type SimRun } from './helpers/sim-session.js';

interface Captured {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
}

function capture(cwd: string): Captured {
  let stdout = '';
  let stderr = '';
  return {
    io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env: {}, isTty: false },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

const target = { usbIndex: null, portPath: '1-2', serial: null };
let dir: string;
let bus: SimulatedBus | null = null;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'download-command-'));
});
afterEach(async () => {
  await bus?.close();
  bus = null;
  await rm(dir, { recursive: true, force: true });
});

/** A board left in U-Boot's partition enumeration: the sample flashed, no DETACH at the end. */
async function boardInUboot(): Promise<SimRun> {
  const run = await flashOnSim({
    layoutPath: await sampleLayout('mp15'),
    soc: 'mp15',
    request: { detachAtEnd: false },
  });
  bus = run.bus;
  expect(run.result.ok).toBe(true);
  expect(run.board.stage).toBe('uboot-flash');
  return run;
}

describe('stm32mp-flash download / upload against a simulated U-Boot partition', () => {
  it('downloads a file to an alt given by name, then uploads it back byte for byte', async () => {
    const run = await boardInUboot();
    const bytes = patternBytes(3 * 4096 + 123, 99);
    const file = path.join(dir, 'new-bootfs.ext4');
    await writeFile(file, bytes);
    const out = capture(dir);
    const code = await runDownloadCommand(
      { bus: run.bus, clock: run.clock, io: out.io },
      { file, alt: 'bootfs', target, waitMs: 1000, json: true },
    );
    expect(out.stderr()).toBe('');
    expect(code).toBe(0);
    const lines = out
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      type: 'start',
      command: 'download',
      sizeBytes: bytes.length,
      transferSizeBytes: 4096,
    });
    expect(lines.at(-1)).toMatchObject({ type: 'end', ok: true, bytes: bytes.length, error: null });
    expect(Buffer.compare(run.board.readPartition('bootfs', bytes.length), bytes)).toBe(0);

    const back = path.join(dir, 'back.bin');
    const up = capture(dir);
    const upCode = await runUploadCommand(
      { bus: run.bus, clock: run.clock, io: up.io },
      { file: back, alt: '0x10', target, waitMs: 1000, json: false, maxBytes: bytes.length, force: false },
    );
    expect(up.stderr()).toBe('');
    expect(upCode).toBe(0);
    expect(up.stdout()).toMatch(/^Uploading alt \d+ \(@bootfs\/0x10\/.*\nDone: /);
    expect(Buffer.compare(await readFile(back), bytes)).toBe(0);
    expect(run.bus.invariantViolations()).toEqual([]);
  });

  it('refuses an unknown alt with the list of alternates, and an existing upload file', async () => {
    const run = await boardInUboot();
    const file = path.join(dir, 'x.bin');
    await writeFile(file, new Uint8Array(10));
    const out = capture(dir);
    const unknown = await runDownloadCommand(
      { bus: run.bus, clock: run.clock, io: out.io },
      { file, alt: 'nope', target, waitMs: 1000, json: false },
    ).catch((error: unknown) => error);
    expect(isAppError(unknown, 'alt-not-found')).toBe(true);
    expect((unknown as AppError).hint).toMatch(/@rootfs\/0x11/);
    const exists = await runUploadCommand(
      { bus: run.bus, clock: run.clock, io: out.io },
      { file, alt: 'rootfs', target, waitMs: 1000, json: false, maxBytes: 10, force: false },
    ).catch((error: unknown) => error);
    expect(isAppError(exists, 'bad-input')).toBe(true);
    expect((exists as AppError).message).toMatch(/already exists/);
    expect((await readFile(file)).length).toBe(10);
  });

  it('runs through the CLI against --sim (the ROM takes the FSBL) and exits 0', async () => {
    const layout = await sampleLayout('mp15');
    const fsbl = path.join(path.dirname(layout), 'tf-a-stm32mp157f-dk2-usb.stm32');
    const out = capture(dir);
    const code = await runCli(
      ['download', '--sim', 'mp15', '--sim-speed', '0', '--alt', 'FSBL', '--json', fsbl],
      out.io,
    );
    expect(out.stderr()).toBe('');
    expect(code).toBe(0);
    expect(out.stdout().trim().split('\n').at(-1)).toMatch(/"type":"end","ok":true/);
    const missing = capture(dir);
    expect(await runCli(['download', '--sim', 'mp15', '--alt', 'FSBL', 'missing.bin'], missing.io)).toBe(2);
    expect(missing.stderr()).toMatch(/missing\.bin/);
  });
});

describe('--alt selection', () => {
  const alts = [
    { index: 0, name: '@fsbl1/0x04/1*256Ke' },
    { index: 1, name: '@fsbl2/0x05/1*256Ke' },
    { index: 2, name: '@rootfs/0x11/1*7Ge' },
    { index: 3, name: '@virtual/0xf1/1*512Be' },
  ];

  it('takes an index, a phase ID, an ST name or the whole string', () => {
    expect(selectAlt('2', alts).index).toBe(2);
    expect(selectAlt('0x11', alts).index).toBe(2);
    expect(selectAlt('0xF1', alts).index).toBe(3);
    expect(selectAlt('RootFS', alts).index).toBe(2);
    expect(selectAlt('@fsbl2/0x05/1*256Ke', alts).index).toBe(1);
  });

  it('refuses what is missing or ambiguous', () => {
    expect(() => selectAlt('9', alts)).toThrow(/no such alternate/);
    expect(() => selectAlt('fsbl', alts)).toThrow(/no such alternate/);
    expect(() => selectAlt('x', [...alts, { index: 4, name: 'x' }, { index: 5, name: 'X' }])).toThrow(
      /matches 2/,
    );
  });
});
