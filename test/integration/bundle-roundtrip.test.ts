import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildIdentityTimeline } from '../../shared/timeline/identity-timeline.js';
import type { CliIo } from '../../main/cli/cli-io.js';
import { runCli } from '../../main/cli/run-cli.js';
import { exportSupportBundle } from '../../main/session/bundle/export-support-bundle.js';
import { loadSupportBundle } from '../../main/session/bundle/load-support-bundle.js';
import { gatherRedactionSubjects } from '../../main/session/bundle/redaction-subjects.js';
import { Redactor } from '../../main/session/bundle/redactor.js';
import type { ScenarioInput, SimSoc } from '../../main/sim/index.js';
import type { RecordedSession } from './bundle-fixture.js';
import { fakeMachine, recordSimSession } from './bundle-fixture.js';

async function exportOf(session: RecordedSession, redact: boolean, name = 'bundle.zip'): Promise<string> {
  const outputPath = path.join(session.root, name);
  await exportSupportBundle({
    journalPath: session.journalPath,
    outputPath,
    redact,
    appLogPath: session.appLogPath,
    hostFacts: session.host,
    machine: fakeMachine(session.homeDir),
    env: {},
  });
  return outputPath;
}

const CASES: { soc: SimSoc; scenario?: ScenarioInput; outcome: string; symptom: string | null }[] = [
  { soc: 'mp15', outcome: 'ok', symptom: null },
  { soc: 'mp15', scenario: 'uboot-no-reconnect', outcome: 'failed', symptom: 'no-reenumeration' },
  {
    soc: 'mp13',
    scenario: { id: 'vm-filter', vm: 'virtualbox' },
    outcome: 'failed',
    symptom: 'no-reenumeration',
  },
  { soc: 'mp25', scenario: 'layout-rejected', outcome: 'failed', symptom: 'layout-rejected' },
  { soc: 'mp15', scenario: 'write-error', outcome: 'failed', symptom: 'partition-write-failed' },
];

describe('support bundle round trip (export → load)', () => {
  it.each(CASES)(
    '$soc $scenario: same events, timeline and diagnosis',
    async ({ soc, scenario, outcome, symptom }) => {
      const session = await recordSimSession({ soc, ...(scenario ? { scenario } : {}) });
      const recorded = session.events.findLast((e) => e.type === 'outcome');
      expect(recorded?.type === 'outcome' ? recorded.symptom : 'no outcome').toBe(symptom);

      // unredacted: the events come back exactly
      const plain = await loadSupportBundle(await exportOf(session, false, 'plain.zip'));
      expect(plain.events).toEqual(session.events);
      expect(buildIdentityTimeline(plain.events)).toEqual(buildIdentityTimeline(session.events));
      expect(plain.diagnosis).toEqual(recorded?.type === 'outcome' ? recorded.diagnosis : null);
      expect(plain.exportedDiagnosis).toMatchObject({ agree: true });
      expect(plain.exportedDiagnosis?.recomputed).toEqual(plain.diagnosis);
      expect(plain.manifest.session).toMatchObject({ outcome, symptom });
      expect(plain.integrity).toEqual({ ok: true, problems: [] });
      expect(plain.warnings).toEqual([]);
      expect(plain.layoutText).toBe(await readFile(session.layoutPath, 'utf8'));
      expect(plain.hostFacts?.recorded).toEqual(session.host);
      expect(
        plain.binaries?.binaries.every((b) => b.status === 'ok' && /^[0-9a-f]{64}$/.test(b.sha256 ?? '')),
      ).toBe(true);
      expect(plain.appLogText).toContain('flash session started');

      // redacted: the same picture, with the names replaced (redaction maps strings, so it commutes)
      const redacted = await loadSupportBundle(await exportOf(session, true));
      const redactor = new Redactor(
        gatherRedactionSubjects({
          events: session.events,
          hostFacts: session.host,
          machine: fakeMachine(session.homeDir),
          env: {},
        }),
        true,
      );
      expect(redacted.events).toEqual(redactor.value(session.events));
      expect(buildIdentityTimeline(redacted.events)).toEqual(
        redactor.value(buildIdentityTimeline(session.events)),
      );
      expect(redacted.diagnosis?.symptom ?? null).toBe(symptom);
      expect(redacted.exportedDiagnosis?.agree).toBe(true);
      expect(redacted.integrity.ok).toBe(true);
    },
  );

  it('flags a file changed after export but still opens the bundle', async () => {
    const session = await recordSimSession({ soc: 'mp15', scenario: 'uboot-no-reconnect' });
    const zipPath = await exportOf(session, true);
    const files = unzipSync(await readFile(zipPath));
    files['report.html'] = strToU8('<p>edited</p>');
    files['journal.jsonl'] = strToU8(
      `${new TextDecoder().decode(files['journal.jsonl'])}{"type":"stage","phase":"nowhere","tMs":1,"at":"x"}\n`,
    );
    await writeFile(zipPath, zipSync(files));
    const loaded = await loadSupportBundle(zipPath);
    expect(loaded.integrity.ok).toBe(false);
    expect(loaded.integrity.problems).toEqual([
      'report.html was changed after the bundle was made',
      'journal.jsonl was changed after the bundle was made',
    ]);
    expect(loaded.journal.skippedLines).toHaveLength(1);
    expect(loaded.journal.skippedLines[0]?.reason).toMatch(/^phase: /);
    expect(loaded.events.length).toBe(session.events.length);
  });
});

describe('opening something that is not a bundle', () => {
  async function file(name: string, bytes: Uint8Array | string): Promise<string> {
    const session = await recordSimSession({ soc: 'mp15' });
    const target = path.join(session.root, name);
    await writeFile(target, bytes);
    return target;
  }
  const manifestOf = async (): Promise<Record<string, unknown>> => {
    const session = await recordSimSession({ soc: 'mp15' });
    const zip = unzipSync(await readFile(await exportOf(session, true)));
    return JSON.parse(new TextDecoder().decode(zip['manifest.json'])) as Record<string, unknown>;
  };

  it.each([
    ['a text file', async () => file('notes.zip', 'hello'), /not a zip file/],
    [
      'a zip of something else',
      async () => file('photos.zip', zipSync({ 'a.jpg': strToU8('x') })),
      /has no manifest\.json/,
    ],
    [
      'a zip with a foreign manifest',
      async () =>
        file('other.zip', zipSync({ 'manifest.json': strToU8('{"format":"other-tool","version":3}') })),
      /not an STM32MP Flash Station support bundle/,
    ],
    [
      'a bundle from a newer version',
      async () =>
        file(
          'newer.zip',
          zipSync({ 'manifest.json': strToU8(JSON.stringify({ ...(await manifestOf()), schema: 99 })) }),
        ),
      /newer version .*schema 99.*reads schema 1/,
    ],
    [
      'a damaged manifest',
      async () => {
        const { files: _files, ...rest } = await manifestOf();
        return file('damaged.zip', zipSync({ 'manifest.json': strToU8(JSON.stringify(rest)) }));
      },
      /manifest\.json is damaged \(files: /,
    ],
  ])('%s → bundle-invalid with a clear message', async (_name, make, message) => {
    const zipPath = await make();
    await expect(loadSupportBundle(zipPath)).rejects.toMatchObject({ code: 'bundle-invalid', message });
  });

  it('a missing file → file-not-found', async () => {
    await expect(loadSupportBundle('/nonexistent/bundle.zip')).rejects.toMatchObject({
      code: 'file-not-found',
    });
  });
});

describe('stm32mp-flash bundle', () => {
  function cli(
    cwd: string,
    env: Record<string, string> = {},
  ): { io: CliIo; out: () => string; err: () => string } {
    let out = '';
    let err = '';
    return {
      io: { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd, env, isTty: false },
      out: () => out,
      err: () => err,
    };
  }

  it('writes a bundle and says what is in it', async () => {
    const session = await recordSimSession({ soc: 'mp15', scenario: 'uboot-no-reconnect' });
    const run = cli(session.root, { STM32MP_FLASH_HOME: path.join(session.homeDir, '.config') });
    const code = await runCli(['bundle', session.journalPath, '-o', 'out.zip', '--no-hash'], run.io);
    expect(run.err()).toBe('');
    expect(code).toBe(0);
    expect(run.out()).toMatch(/^Support bundle: .*out\.zip/);
    expect(run.out()).toContain('failed (no-reenumeration)');
    const loaded = await loadSupportBundle(path.join(session.root, 'out.zip'));
    expect(loaded.binaries?.binaries.every((b) => b.sha256 === null && b.sizeBytes !== null)).toBe(true);
    expect(loaded.appLogText).toContain('flash session failed: no-reenumeration');
  });

  it('after `flash`: the app log has the session, a read-only home only warns, the journal bundles', async () => {
    const session = await recordSimSession({ soc: 'mp15' });
    const layoutPath = path.relative(session.root, session.layoutPath);
    const args = ['flash', '-w', layoutPath, '--sim', 'mp15:uboot-no-reconnect', '--sim-speed', '0'];
    args.push('--timeout', 'after-fip=0.2');

    const home = path.join(session.root, 'station-home');
    const writable = cli(session.root, { STM32MP_FLASH_HOME: home });
    expect(await runCli([...args, '--journal', 'journals'], writable.io)).toBe(3);
    const log = await readFile(path.join(home, 'logs', 'app.log'), 'utf8');
    expect(log).toMatch(/ info {2}\[cli\] flash session started .*"journal":".*journals/);
    expect(log).toMatch(/ error \[cli\] flash session failed: no-reenumeration/);

    await writeFile(path.join(session.root, 'not-a-folder'), 'x');
    const readOnly = cli(session.root, {
      STM32MP_FLASH_HOME: path.join(session.root, 'not-a-folder', 'home'),
    });
    expect(await runCli([...args, '--journal', 'ro-journals'], readOnly.io)).toBe(3);
    expect(readOnly.err()).toMatch(/^warning: no application log: cannot write /m);
    expect(readOnly.err()).not.toMatch(/\bat .*:\d+:\d+/);
    const journal = /Journal: (.*\.jsonl)/.exec(readOnly.out())?.[1];
    expect(journal).toBeDefined();
    expect(await runCli(['bundle', journal!, '-o', 'ro.zip'], readOnly.io)).toBe(0);
    expect((await loadSupportBundle(path.join(session.root, 'ro.zip'))).manifest.appLog.selection).toBe(
      'none',
    );
  });

  it.each([
    [['bundle', 'missing.jsonl'], /Cannot read the journal .*missing\.jsonl/],
    [['bundle', 'layout.tsv'], /is not a session journal/],
    [['bundle', 'j.jsonl', '-o', 'out.tar'], /a support bundle is a \.zip file/],
  ])('bad input %j → exit 2, one message, no stack', async (args, message) => {
    const session = await recordSimSession({ soc: 'mp15' });
    await writeFile(path.join(session.root, 'layout.tsv'), '#Opt\tId\n');
    await writeFile(path.join(session.root, 'j.jsonl'), await readFile(session.journalPath));
    const run = cli(session.root);
    expect(await runCli(args, run.io)).toBe(2);
    expect(run.err()).toMatch(message);
    expect(run.err()).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
