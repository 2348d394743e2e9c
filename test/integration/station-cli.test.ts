import { mkdtemp, open, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/cli-capture.js';
import { sampleLayout } from './helpers/sim-session.js';

let layout: string;
let dir: string;
let profile: string;
const env = (): Record<string, string> => ({ STM32MP_FLASH_HOME: dir });

interface UnitLine {
  type: 'unit';
  round: number;
  slot: string;
  outcome: string;
  symptom: string | null;
  serial: string;
  journal: string | null;
}

function jsonLines(stdout: string): ({ type: string } & Record<string, unknown>)[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string } & Record<string, unknown>);
}

beforeAll(async () => {
  layout = await sampleLayout('mp15', 128 * 1024);
  dir = await mkdtemp(path.join(tmpdir(), 'station-cli-'));
  profile = path.join(dir, 'line3.json');
  const init = await runCliCaptured(
    [
      'station',
      'init',
      '--layout',
      layout,
      '--slot',
      'A=1-2',
      '--slot',
      'B=1-3',
      '--slot',
      'C=1-4',
      '--slot',
      'D=1-5',
      '--serial-pattern',
      '[0-9A-F]{24}',
      '--name',
      'Line 3',
      '--pin-stdin',
      '-o',
      profile,
    ],
    { env: env(), stdin: '135790\n' },
  );
  expect(init.stderr).toBe('');
  expect(init.exitCode).toBe(0);
  expect(init.stdout).toMatch(
    /Station profile written: .*line3\.json[\s\S]*slots +A=1-2 {2}B=1-3 {2}C=1-4 {2}D=1-5/,
  );
});

describe('stm32mp-flash station', () => {
  it('init wrote a profile that pins the files and hides the PIN', async () => {
    const text = await readFile(profile, 'utf8');
    expect(text).not.toContain('135790');
    expect(JSON.parse(text)).toMatchObject({
      schemaVersion: 1,
      name: 'Line 3',
      soc: 'mp15',
      autoStart: false,
      adminPin: { kdf: 'scrypt', N: 32768, r: 8, p: 1 },
    });
    expect((JSON.parse(text) as { layout: { sha256: string } }).layout.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('runs 4 simulated slots headless, one failing, with JSON lines (exit 3)', async () => {
    const run = await runCliCaptured(
      ['station', profile, '--sim', '4', '--sim-scenario', 'C=uboot-no-reconnect', '--json'],
      { env: env() },
    );
    expect(run.exitCode).toBe(3);
    const lines = jsonLines(run.stdout);
    const units = lines.filter((l) => l.type === 'unit') as unknown as UnitLine[];
    expect(units.map((u) => `${u.round}${u.slot}:${u.outcome}:${u.symptom ?? '-'}`)).toEqual([
      '1A:pass:-',
      '1B:pass:-',
      '1C:fail:no-reenumeration',
      '1D:pass:-',
    ]);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', units: 4, passed: 3, failed: 1, yieldPercent: 75 });
    expect(units.every((u) => /^[0-9A-F]{24}$/.test(u.serial) && u.journal !== null)).toBe(true);
  });

  it('runs rounds with fresh boards and exits 0 when every unit passed; then exports CSV', async () => {
    const run = await runCliCaptured(['station', 'run', profile, '--sim', '2', '--rounds', '2'], {
      env: env(),
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout.match(/^round \d +slot [AB] .* PASS /gm)).toHaveLength(4);
    expect(run.stdout).toMatch(/4 unit\(s\) in 2 round\(s\): 4 passed, 0 failed, 0 refused; yield 100 %/);

    const csv = path.join(dir, 'mes.csv');
    const exported = await runCliCaptured(['station', 'export', path.join(dir, 'records'), '-o', csv], {
      env: env(),
    });
    expect(exported.exitCode).toBe(0);
    expect(exported.stderr).toMatch(/8 unit record\(s\) written to .*mes\.csv/);
    const rows = parse<Record<string, string>>(await readFile(csv, 'utf8'), { columns: true });
    expect(rows).toHaveLength(8);
    expect(rows.filter((r) => r.outcome === 'pass')).toHaveLength(7);
    expect(rows[0]).toMatchObject({ profile_name: 'Line 3', station: 'sim-station' });
  });

  it('learn prints the --slot arguments', async () => {
    const run = await runCliCaptured(['station', 'learn', '--slots', 'A,B,C', '--sim', '3'], { env: env() });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe('--slot A=1-2 --slot B=1-3 --slot C=1-4\n');
    expect(run.stderr).toMatch(/Plug a board \(serial boot\) into slot A \(1\/3\)/);
  });

  it.each([
    [['station', 'missing.json'], /No station profile at .*missing\.json/],
    [['station', 'PROFILE', '--sim', '9'], /--sim 9: expected <n>\[:<soc>\] with n from 1 to 4/],
    [['station', 'PROFILE', '--sim', '2', '--sim-scenario', 'C=unplug'], /slot C has no simulated board/],
    [['station', 'PROFILE', '--sim', '2', '--sim-scenario', 'A=meltdown'], /unknown scenario 'meltdown'/],
    [['station', 'PROFILE', '--rounds', '0', '--sim', '1'], /--rounds 0: expected a whole number/],
    [
      ['station', 'init', '--layout', 'LAYOUT', '--slot', 'A=1-2', '-o', 'x.json'],
      /exactly one of --pin-prompt and --pin-stdin/,
    ],
    [
      ['station', 'init', '--layout', 'LAYOUT', '--slot', 'A', '--pin-stdin', '-o', 'x.json'],
      /--slot A: expected <label>=<port path>/,
    ],
    [
      ['station', 'init', '--layout', 'LAYOUT', '--slot', 'A=1-2', '--pin-prompt', '-o', 'x.json'],
      /--pin-prompt needs a terminal/,
    ],
    [['station', 'export', 'nowhere'], /holds no station records/],
  ])('bad input %j: exit 2, a short message, no stack', async (args, message) => {
    const run = await runCliCaptured(
      args.map((a) => (a === 'PROFILE' ? profile : a === 'LAYOUT' ? layout : a)),
      { env: env(), cwd: dir, stdin: '1234\n' },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses to run when a pinned binary was edited (exit 2, names the file and both hashes)', async () => {
    const pinned = JSON.parse(await readFile(profile, 'utf8')) as {
      binaries: { path: string; sha256: string }[];
    };
    const binary = pinned.binaries.find((b) => b.path.startsWith('fip-'))!;
    const fip = path.join(path.dirname(layout), binary.path);
    const original = await readFile(fip);
    const handle = await open(fip, 'r+');
    await handle.write(Buffer.from('!'), 0, 1, 3000);
    await handle.close();
    try {
      const run = await runCliCaptured(['station', profile, '--sim', '1', '--json'], { env: env() });
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(
        `${fip} has changed since the station profile was made: expected sha256 ${binary.sha256}, found `,
      );
      expect(run.stderr).toMatch(
        /Restore the original files, or have an engineer re-create the station profile/,
      );
    } finally {
      await writeFile(fip, original);
    }
  });
});
