import { chmod, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseJournal } from '../../main/session/journal/journal-reader.js';
import { runCliCaptured } from '../helpers/cli-capture.js';
import { flashOnSim, sampleLayout } from './helpers/sim-session.js';

let layout: string;
let home: string;
beforeAll(async () => {
  layout = await sampleLayout('mp15', 64 * 1024);
  home = await mkdtemp(path.join(tmpdir(), 'cli-home-'));
});

const env = (): Record<string, string> => ({ STM32MP_FLASH_HOME: home });

describe('stm32mp-flash flash', () => {
  it('flashes a simulated board, prints the stages and writes the journal (exit 0)', async () => {
    const journalDir = await mkdtemp(path.join(tmpdir(), 'journal-'));
    const run = await runCliCaptured(
      ['flash', '-w', layout, '--sim', 'mp15', '--sim-speed', '0', '--journal', journalDir],
      { env: env() },
    );
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(
      /── ROM code[\s\S]*── TF-A[\s\S]*── U-Boot \(layout\)[\s\S]*── U-Boot \(partitions\)/,
    );
    expect(run.stdout).toContain('Flash complete');
    const [file] = await readdir(journalDir);
    expect(run.stdout).toContain(path.join(journalDir, file!));
    const journal = parseJournal(await readFile(path.join(journalDir, file!), 'utf8'));
    expect(journal.truncated).toBe(false);
    expect(journal.events.at(-1)).toMatchObject({ type: 'outcome', ok: true });
  });

  it('prints one JSON event per line with the outcome last, and exits 3 on a failed flash', async () => {
    const run = await runCliCaptured(
      [
        'flash',
        '-w',
        layout,
        '--sim',
        'mp15:uboot-no-reconnect',
        '--sim-speed',
        '0',
        '--json',
        '--timeout',
        'after-fip=1',
      ],
      { env: env() },
    );
    expect(run.exitCode).toBe(3);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    const outcome = lines.at(-1) as {
      type: string;
      ok: boolean;
      symptom: string;
      diagnosis: { causes: { id: string }[] };
    };
    expect(outcome).toMatchObject({ type: 'outcome', ok: false, symptom: 'no-reenumeration' });
    expect(outcome.diagnosis.causes[0]!.id).toBe('uboot-otg-setup');
    expect(run.stderr).toMatch(/Journal: /);
  });

  it('--no-detach leaves the board in U-Boot after the last partition and says what to do next', async () => {
    const detaches = async (extra: string[]): Promise<{ stages: string[]; stderr: string }> => {
      const run = await runCliCaptured(
        ['flash', '-w', layout, '--sim', 'mp15', '--sim-speed', '0', '--json', ...extra],
        { env: env() },
      );
      expect(run.exitCode).toBe(0);
      const events = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; stage?: string });
      return { stages: events.filter((e) => e.type === 'detach').map((e) => e.stage!), stderr: run.stderr };
    };
    const normal = await detaches([]);
    expect(normal.stages).toEqual(['tfa', 'uboot-layout', 'uboot-partitions']);
    expect(normal.stderr).not.toContain('stays in U-Boot');
    // TF-A and U-Boot's first enumeration still detach: that is how the board gets to the partitions
    const stay = await detaches(['--no-detach']);
    expect(stay.stages).toEqual(['tfa', 'uboot-layout']);
    expect(stay.stderr).toContain("The board stays in U-Boot's stm32prog (no DETACH)");
  });

  it('accepts STM32_Programmer_CLI style -c port=usb1', async () => {
    const run = await runCliCaptured(
      ['flash', '-c', 'port=usb1', '-w', layout, '--sim', 'mp15', '--sim-speed', '0', '--json'],
      {
        env: env(),
      },
    );
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n')[0]!)).toMatchObject({
      type: 'session-start',
      target: { portPath: '1-2' },
    });
  });

  it('refuses images of another SoC before anything is sent', async () => {
    const cli = await runCliCaptured(['flash', '-w', layout, '--sim', 'mp13', '--sim-speed', '0'], {
      env: env(),
    });
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr).toContain('stm32-version-mismatch');
    // Without --sim the SoC is only known once the board is seen: the pipeline stops at the ROM.
    const run = await flashOnSim({ layoutPath: layout, soc: 'mp13' });
    await run.bus.close();
    expect(run.result.ok).toBe(false);
    expect(run.events.find((e) => e.type === 'error')).toMatchObject({ error: { code: 'soc-mismatch' } });
    expect(run.bus.transferLog().filter((t) => t.request === 'DNLOAD')).toEqual([]);
  });

  it('says which port does not exist for -c port=usb2', async () => {
    const run = await runCliCaptured(
      ['flash', '-c', 'port=usb2', '-w', layout, '--sim', 'mp15', '--sim-speed', '0'],
      { env: env() },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('port=usb2: only 1 board(s) in DFU mode are connected');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [['flash', '-w', '/nonexistent/layout.tsv', '--sim', 'mp15'], /layout.tsv: no such file/],
    [['flash', '-w', 'x.tsv', '--sim', 'mp99'], /--sim mp99: expected <soc>/],
    [['flash', '-w', 'x.tsv', '--sim', 'mp15:nope'], /unknown scenario 'nope'/],
    [
      ['flash', '-w', 'x.tsv', '--timeout', 'after-fop=3'],
      /--timeout after-fop=3: expected <stage>=<seconds>/,
    ],
    [['flash', '-w', 'x.tsv', '-c', 'prot=usb1'], /-c prot=usb1: expected port=usb<N>/],
    [['flash', '-w', 'x.tsv', '--sim', 'mp15', '--sim-speed', 'fast'], /--sim-speed fast/],
  ])('refuses bad input %j with a specific message and exit 2', async (args, message) => {
    const run = await runCliCaptured(args, { env: env() });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a layout with errors before touching the board', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bad-'));
    const bad = path.join(dir, 'bad.tsv');
    await writeFile(
      bad,
      '#Opt\tId\tName\tType\tIP\tOffset\tBinary\n-\t0x01\tfsbl\tBinary\tnone\t0x0\tmissing.stm32\n',
    );
    const run = await runCliCaptured(['flash', '-w', bad, '--sim', 'mp15', '--sim-speed', '0'], {
      env: env(),
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/line 2 .*missing-binary/);
  });

  it('flashes with a read-only data folder: the journal is a warning, not a crash', async () => {
    const readOnly = await mkdtemp(path.join(tmpdir(), 'ro-home-'));
    await chmod(readOnly, 0o500);
    const run = await runCliCaptured(['flash', '-w', layout, '--sim', 'mp15', '--sim-speed', '0'], {
      env: { STM32MP_FLASH_HOME: path.join(readOnly, 'sub') },
    });
    await chmod(readOnly, 0o700);
    if (process.getuid?.() === 0) {
      // root ignores directory permissions; the point of the test is covered by the journal unit test
      expect(run.exitCode).toBe(0);
      return;
    }
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/warning: no session journal/);
  });
});

describe('stm32mp-flash list', () => {
  it('shows the simulated board with its port path, stage and serial', async () => {
    const run = await runCliCaptured(['list', '--sim', 'mp25'], { env: env() });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/usb1\s+1-2\s+ROM\s+mp25\s+[0-9A-F]{24}\s+high\s+0483:df11/);
    const json = await runCliCaptured(['list', '--sim', 'mp15', '--json'], { env: env() });
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ usb: 'usb1', portPath: '1-2', stage: 'rom', soc: 'mp15' }),
    ]);
  });
});
