/**
 * The production USB backend (main/usb over node-usb v3) and the CLI against simulated boards on a
 * real kernel USB bus: one QEMU guest boot runs every case (guest-cases.ts) and this file asserts on
 * what each one recorded. Run with `npm run test:usb` (scripts/usb-harness-test.sh decides whether
 * this machine can, and says so loudly when it cannot).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseName, CaseResult, CaseResults } from './case-results.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CACHE = process.env['USB_HARNESS_CACHE'] ?? path.join(REPO, '.cache', 'usb-harness');
const OUTPUT = path.join(REPO, 'test-output', 'usb-harness');
const BATCH_TIMEOUT_S = Number(process.env['USB_HARNESS_TIMEOUT_S'] ?? 1500);
const ALL_CASES: CaseName[] = [
  'backend-mp15',
  'backend-mp13-reenumeration',
  'dfu-util-mp15',
  'cli-list',
  'cli-flash-mp15',
  'cli-flash-mp13',
  'cli-flash-mp25',
  'cli-uboot-no-reconnect',
  'cli-layout-rejected',
  'cli-partition-iteration',
];
const SELECTED = process.env['USB_HARNESS_CASES']?.split(/[\s,]+/).filter(Boolean) ?? ALL_CASES;

const qemuMissing =
  spawnSync('sh', ['-c', 'command -v qemu-system-x86_64'], { encoding: 'utf8' }).status !== 0;
const skipReason =
  qemuMissing && process.env['USB_HARNESS'] !== 'require'
    ? 'qemu-system-x86_64 is not installed (npm run test:usb installs what the harness needs)'
    : null;
if (skipReason) process.stderr.write(`\n*** SKIP: real-USB harness: ${skipReason} ***\n\n`);

const results = new Map<string, CaseResult>();
let batch: { error: Error | null; wallMs: number; output: string; work: string } | null = null;

function step(command: string, args: string[]): void {
  const run = spawnSync(command, args, { cwd: REPO, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${run.stdout}${run.stderr}`);
}

beforeAll(
  async () => {
    if (skipReason) return;
    const start = performance.now();
    // The guest runs the compiled code: build what it imports.
    step('npx', [
      'tsc',
      '-b',
      'shared/tsconfig.json',
      'main/tsconfig.json',
      'test/usb-harness/tsconfig.json',
    ]);
    step(path.join(REPO, 'test/usb-harness/prepare-guest.sh'), []);
    await mkdir(path.join(CACHE, 'runs'), { recursive: true });
    const work = await mkdtemp(path.join(CACHE, 'runs', 'vitest-'));
    const args = [
      '--timeout-s',
      String(BATCH_TIMEOUT_S),
      '--work',
      work,
      '--',
      'node',
      'dist/test/usb-harness/guest-cases.js',
      ...(process.env['USB_HARNESS_FULL_SAMPLES'] === '1' ? ['--full-samples'] : []),
      ...SELECTED,
    ];
    const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn(path.join(REPO, 'test/usb-harness/run-in-guest.sh'), args, {
        cwd: REPO,
        env: { ...process.env, USB_HARNESS_STREAM: '1' },
      });
      let text = '';
      let partial = '';
      const take = (chunk: Buffer): void => {
        text += chunk.toString();
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        // Progress on the runner's console: a batch takes minutes.
        for (const line of lines) {
          if (/^(guest-cases:|usb-harness:|ffs-board-front: .*FATAL)/.test(line))
            process.stderr.write(`${line}\n`);
        }
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      child.on('close', (code) => resolve({ code, text }));
    });
    const wallMs = performance.now() - start;
    // 0: every case ran; 1: a case threw (its result says why). Anything else is the harness failing.
    const error =
      output.code === 0 || output.code === 1
        ? null
        : new Error(`the USB harness failed (exit ${output.code}):\n${output.text.slice(-6000)}`);
    batch = { error, wallMs, output: output.text, work };
    const dir = path.join(work, 'results');
    if (existsSync(dir)) {
      for (const file of await readdir(dir)) {
        const result = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CaseResult;
        results.set(result.name, result);
      }
    }
    await mkdir(OUTPUT, { recursive: true });
    await writeFile(path.join(OUTPUT, 'batch-output.log'), output.text);
    await writeFile(
      path.join(OUTPUT, 'results.json'),
      JSON.stringify({ wallMs, work, results: Object.fromEntries(results) }, null, 2),
    );
  },
  (BATCH_TIMEOUT_S + 300) * 1000,
);

afterAll(() => {
  if (!batch) return;
  const lines = [...results.values()].map(
    (r) => `  ${r.name.padEnd(28)} ${(r.durationMs / 1000).toFixed(1)} s`,
  );
  process.stderr.write(
    `\nusb-harness: batch of ${results.size} case(s) in ${(batch.wallMs / 1000).toFixed(1)} s wall (build, boot, cases)\n${lines.join('\n')}\n` +
      `  results: ${path.join(OUTPUT, 'results.json')}\n`,
  );
});

/** A case's recorded data; throws (failing the test) with the reason when the case did not run. */
function result<K extends CaseName>(name: K): CaseResults[K] {
  if (batch?.error) throw batch.error;
  const r = results.get(name) as CaseResult<K> | undefined;
  if (!r)
    throw new Error(
      `no result for ${name}: the guest batch stopped before it\n${batch?.output.slice(-4000)}`,
    );
  if (!r.ok || !r.data) throw new Error(`case ${name} threw in the guest:\n${r.error}`);
  return r.data;
}

function describeCase(name: CaseName, body: () => void): void {
  // Skipped when the machine cannot run the guest (the script prints a loud SKIP banner with the reason;
  // USB_HARNESS=require fails instead) or when USB_HARNESS_CASES leaves this case out.
  if (skipReason || !SELECTED.includes(name)) describe.skip(name, body);
  else describe(name, body);
}

/**
 * The guest's HOME is a read-only share: the CLI may warn about what it cannot keep there (journal,
 * application log) but nothing else, and never crash.
 */
function expectReadOnlyHomeTolerated(stderr: string): void {
  expect(stderr).not.toMatch(/internal error|Error:|\n\s+at /);
  const warnings = stderr.split('\n').filter((line) => line.startsWith('warning:'));
  for (const warning of warnings) expect(warning).toMatch(/EROFS|read-only|not writable/i);
}

const names = (alts: readonly { name: string | null }[]): (string | null)[] => alts.map((a) => a.name);
const stages = (presentations: readonly { stage: string }[]): string[] => presentations.map((p) => p.stage);

/** The configuration descriptor the kernel serves is the board's, except iConfiguration (configfs: 4). */
function withoutIConfiguration(hexBytes: string): string {
  return hexBytes.slice(0, 12) + '..' + hexBytes.slice(14);
}

describeCase('backend-mp15', () => {
  it('lists the ROM with its identity, port path and alternate names', () => {
    const data = result('backend-mp15');
    const shown = data.board.presentations[0]!;
    expect(data.listed).toMatchObject({
      vid: 0x0483,
      pid: 0xdf11,
      bcdDevice: 0x0200,
      manufacturer: 'STMicroelectronics',
      product: shown.product,
      serial: '003B00213439511334383734',
      portPath: '1-1',
      speed: 'high',
    });
    expect(names(data.listed.alts)).toEqual(shown.alts);
    expect(shown.alts[5]).toBe('@virtual /0xF1/1*512Ba');
  });

  it('reads the raw device and configuration descriptors the board model built', () => {
    const data = result('backend-mp15');
    const shown = data.board.presentations[0]!;
    expect(data.rawDevice).toBe(shown.simDevice);
    expect(withoutIConfiguration(data.rawConfiguration)).toBe(withoutIConfiguration(shown.simConfiguration));
    for (const [index, text] of Object.entries(data.strings)) expect(text).toBe(shown.simStrings[index]);
    expect(data.functional).toBe(shown.simConfiguration.slice(-18));
  });

  it('selects alternate 5 and carries class requests both ways', () => {
    const data = result('backend-mp15');
    expect(data.selectVirtual).toBe('ok');
    expect(data.statusIdle).toBe('000000000200');
    expect(data.getPhase).toMatch(/^01/);
    expect(data.abort).toBe('ok');
    expect(data.board.requests['rom SET_INTERFACE ok']).toBeGreaterThanOrEqual(3);
  });

  it('turns STALLs into results, not exceptions, and the board keeps going', () => {
    const data = result('backend-mp15');
    expect(data.uploadOnPartition0).toBe('stall');
    expect(data.zlpInIdle).toBe('stall');
    expect(data.statusAfterStalls).toBe('000000000200');
    expect(data.board.requests['rom UPLOAD stall']).toBe(1);
    expect(data.board.violations.map((v) => v.rule)).toEqual(['dnload-outside-idle']);
    expect(data.selectMissing).toMatchObject({ code: 'transfer-failed' });
  });

  it('reports the unplug, refuses the stale handle, and finds the board again by port path', () => {
    const data = result('backend-mp15');
    expect(data.disconnect.identity.connectionId).toBe(data.listed.connectionId);
    expect(data.afterGone).toMatchObject({ code: 'device-gone' });
    expect(data.connect.identity).toMatchObject({ portPath: '1-1', serial: data.listed.serial });
    expect(data.connect.identity.connectionId).not.toBe(data.listed.connectionId);
    expect(data.relisted.map((b) => b.connectionId)).toEqual([data.connect.identity.connectionId]);
    expect(data.statusAfterReplug).toBe('000000000200');
    expect(data.board.counters).toMatchObject({ ioErrors: 0, boardErrors: 0, stallsAfterData: 0 });
  });
});

describeCase('backend-mp13-reenumeration', () => {
  it('downloads an FSBL and follows the ROM → TF-A re-enumeration on the same port', () => {
    const data = result('backend-mp13-reenumeration');
    expect(data.rom.product).toMatch(/^DFU in HS Mode @Device ID \/0x501/);
    expect(data.manifestStates).toEqual([7, 2]);
    expect(data.detach).toBe('ok');
    expect(data.disconnect.identity.connectionId).toBe(data.rom.connectionId);
    expect(data.afterGone).toMatchObject({ code: 'device-gone' });
    const tfa = data.connect.identity;
    expect(tfa).toMatchObject({ portPath: data.rom.portPath, serial: data.rom.serial });
    expect(tfa.product).toMatch(/^DFU @Device ID \/0x501, .*@Name \//);
    expect(names(tfa.alts)).toEqual(['@SSBL /0x03/1*16Me', '@virtual /0xF1/1*512Ba']);
    expect(data.selectVirtual).toBe('ok');
    expect(data.getPhase).toMatch(/^03/);
  });

  it('delivered the FSBL byte for byte', () => {
    const data = result('backend-mp13-reenumeration');
    expect(data.board.received).toMatchObject([
      { stage: 'rom', phaseId: 1, accepted: true, bytes: data.fsblBytes, sha256: data.fsblSha256 },
    ]);
    expect(data.board.violations).toEqual([]);
  });
});

describeCase('dfu-util-mp15', () => {
  it('shows dfu-util (libusb) the same board: alternates, port path, GetPhase on alternate 5', () => {
    const data = result('dfu-util-mp15');
    expect(data.list.exitCode, data.list.stderr).toBe(0);
    const found = [...data.list.stdout.matchAll(/path="([^"]+)", alt=(\d+), name="([^"]+)"/g)].map((m) => ({
      path: m[1],
      alt: Number(m[2]),
      name: m[3],
    }));
    expect(found.sort((a, b) => a.alt - b.alt)).toEqual(
      data.board.presentations[0]!.alts.map((name, alt) => ({ path: '1-1', alt, name })),
    );
    expect(data.upload.exitCode, data.upload.stderr).toBe(0);
    expect(data.uploaded).toMatch(/^01/);
  });
});

describeCase('cli-list', () => {
  it('shows the board with its port path', () => {
    const data = result('cli-list');
    expect(data.json.exitCode).toBe(0);
    const boards = JSON.parse(data.json.stdout) as Record<string, unknown>[];
    expect(boards).toMatchObject([
      {
        usb: 'usb1',
        portPath: '1-1',
        stage: 'rom',
        soc: 'mp15',
        serial: data.board.serial,
        vidPid: '0483:df11',
      },
    ]);
    expect(data.text.exitCode).toBe(0);
    expect(data.text.stdout).toMatch(new RegExp(`usb1\\s+1-1\\s+ROM\\s+mp15\\s+${data.board.serial}`));
    expect(data.json.stderr + data.text.stderr).not.toMatch(/internal error/);
  });
});

const STAGES: Record<'mp15' | 'mp13' | 'mp25', string[]> = {
  mp15: ['rom', 'uboot-layout', 'uboot-flash'],
  mp13: ['rom', 'tfa', 'uboot-layout', 'uboot-flash'],
  mp25: ['rom', 'tfa', 'tfa', 'uboot-layout', 'uboot-flash'],
};

for (const soc of ['mp15', 'mp13', 'mp25'] as const) {
  describeCase(`cli-flash-${soc}`, () => {
    it('flashes through the production backend (exit 0, outcome ok)', () => {
      const data = result(`cli-flash-${soc}`);
      expect(data.run.exitCode, data.run.stderr).toBe(0);
      expect(data.outcome).toMatchObject({ type: 'outcome', ok: true, symptom: null });
      expectReadOnlyHomeTolerated(data.run.stderr);
    });

    it('wrote every file of the layout byte for byte', () => {
      const data = result(`cli-flash-${soc}`);
      const checks = data.checks;
      expect(checks.length).toBeGreaterThanOrEqual(9);
      expect(checks.filter((c) => !c.equal || c.completed === false)).toEqual([]);
      expect(data.board.violations).toEqual([]);
      expect(data.board.counters).toMatchObject({ ioErrors: 0, boardErrors: 0, stallsAfterData: 0 });
    });

    it('followed the board across its re-enumerations on the real bus', () => {
      const data = result(`cli-flash-${soc}`);
      expect(stages(data.presentations)).toEqual(STAGES[soc]);
      expect(data.journalFiles).toHaveLength(1);
      expect(data.journal).toEqual({
        events: data.run.stdoutLines,
        truncated: false,
        skippedLines: 0,
        lastType: 'outcome',
      });
    });
  });
}

describeCase('cli-uboot-no-reconnect', () => {
  it('ends with no-reenumeration after TF-A left the bus', () => {
    const data = result('cli-uboot-no-reconnect');
    expect(data.run.exitCode, data.run.stderr).toBe(3);
    expect(data.outcome).toMatchObject({ type: 'outcome', ok: false, symptom: 'no-reenumeration' });
    expect(stages(data.presentations)).toEqual(['rom']);
    const ramImages = data.checks.filter((c) => c.kind === 'ram-image');
    expect(ramImages.map((c) => c.equal)).toEqual([true, true]);
  });
});

describeCase('cli-layout-rejected', () => {
  it('ends with layout-rejected, and a read-only home is only a warning', () => {
    const data = result('cli-layout-rejected');
    expect(data.run.exitCode, data.run.stderr).toBe(3);
    expect(data.outcome).toMatchObject({ type: 'outcome', ok: false, symptom: 'layout-rejected' });
    expect(data.run.stderr).toMatch(/warning: no session journal/);
    expectReadOnlyHomeTolerated(data.run.stderr);
  });
});

describeCase('cli-partition-iteration', () => {
  it('flash --no-detach leaves the board in U-Boot: no final DETACH, no re-enumeration after it', () => {
    const data = result('cli-partition-iteration');
    expect(data.flash.exitCode, data.flash.stderr).toBe(0);
    expect(data.flash.outcome).toMatchObject({ type: 'outcome', ok: true });
    expect(data.flash.detachStages).toEqual(['tfa', 'uboot-layout']);
    expect(data.flash.stderr).toContain("The board stays in U-Boot's stm32prog");
    // ROM, U-Boot (layout), U-Boot (partitions): the download and the upload used the last one
    expect(data.presentations.map((p) => p.stage)).toEqual(['rom', 'uboot-layout', 'uboot-flash']);
  });

  it('download rewrites one partition and upload reads back the same bytes', () => {
    const data = result('cli-partition-iteration');
    expect(data.download.exitCode, data.download.stderr).toBe(0);
    const end = JSON.parse(data.download.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(end).toMatchObject({ type: 'end', ok: true, bytes: data.downloadedBytes });
    expect(data.upload.exitCode, data.upload.stderr).toBe(0);
    expect(data.uploadMatches).toBe(true);
    expect(data.board.violations).toEqual([]);
  });
});
