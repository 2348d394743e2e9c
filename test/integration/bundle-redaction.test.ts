import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { HostFacts } from '../../shared/domain/host-facts.js';
import { exportSupportBundle } from '../../main/session/bundle/export-support-bundle.js';
import type { BundleManifest } from '../../main/session/bundle/bundle-manifest.js';
import type { RecordedSession } from './bundle-fixture.js';
import { FAKE_HOST, FAKE_USER, fakeMachine, recordSimSession } from './bundle-fixture.js';

/** Every form a name can take in a file: as is, in JSON, in a Windows-style path, upper/lower case. */
function forms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  return [...new Set([value, json, value.replace(/\//g, '\\'), value.replace(/\//g, '\\\\')])];
}

async function entries(zipPath: string): Promise<Map<string, string>> {
  const files = unzipSync(await readFile(zipPath));
  return new Map(Object.entries(files).map(([name, bytes]) => [name, new TextDecoder().decode(bytes)]));
}

async function exportFlash(session: RecordedSession, redact: boolean): Promise<string> {
  const outputPath = path.join(session.root, redact ? 'redacted.zip' : 'plain.zip');
  // the fresh probe at export also knows the user and the host (usb-access evidence names the user)
  const probe: HostFacts = {
    ...session.host,
    usbAccess: {
      state: 'no-udev-rule',
      detail: `user ${FAKE_USER} is not in plugdev`,
      fix: `sudo cp rule /etc/udev/rules.d && sudo usermod -aG plugdev ${FAKE_USER}`,
      evidence: [`HOME=${session.homeDir}`, `uid 1000(${FAKE_USER})`],
    },
  };
  await exportSupportBundle({
    journalPath: session.journalPath,
    outputPath,
    redact,
    appLogPath: session.appLogPath,
    hostFacts: probe,
    machine: fakeMachine(session.homeDir),
    env: { HOME: session.homeDir, USER: FAKE_USER, HOSTNAME: FAKE_HOST },
  });
  return outputPath;
}

describe('support bundle redaction', () => {
  it('leaves no home path, user name or host name in any file of the bundle', async () => {
    const session = await recordSimSession({
      soc: 'mp15',
      scenario: 'uboot-no-reconnect',
      layoutComment: `built by ${FAKE_USER} on ${FAKE_HOST} in /home/mbaptiste/bsp`,
    });
    const files = await entries(await exportFlash(session, true));
    expect([...files.keys()].sort()).toEqual(
      [
        'app-log.txt',
        'binaries.json',
        'diagnosis.json',
        'host-facts.json',
        'journal.jsonl',
        'layout/FlashLayout_sdcard_stm32mp157f-dk2-sample.tsv',
        'manifest.json',
        'report.html',
      ].sort(),
    );
    const secrets = [
      ...forms(session.homeDir),
      FAKE_USER,
      FAKE_HOST,
      FAKE_HOST.split('.')[0]!,
      '/home/mbaptiste',
    ];
    for (const [name, text] of files) {
      const lower = text.toLowerCase();
      for (const secret of secrets) {
        expect(lower.includes(secret.toLowerCase()), `${name} contains ${secret}`).toBe(false);
      }
    }
    // what went in instead, and the manifest's account of it (counts, never values)
    expect(files.get('journal.jsonl')).toContain('<home>/work/<user>-images/');
    expect(files.get('host-facts.json')).toContain('"hostname": "<host>"');
    expect(files.get('layout/FlashLayout_sdcard_stm32mp157f-dk2-sample.tsv')).toContain(
      '# built by <user> on <host> in /home/<user>/bsp',
    );
    expect(files.get('app-log.txt')).toContain('flash session started');
    const manifest = JSON.parse(files.get('manifest.json')!) as BundleManifest;
    expect(manifest.redaction.enabled).toBe(true);
    expect(manifest.redaction.counts['home-folder']).toBeGreaterThan(5);
    expect(manifest.redaction.counts['user-name']).toBeGreaterThan(0);
    expect(manifest.redaction.counts['host-name']).toBeGreaterThan(0);
    expect(Object.keys(manifest.redaction.perFile)).toEqual(
      expect.arrayContaining(['journal.jsonl', 'host-facts.json', 'app-log.txt', 'binaries.json']),
    );
  });

  it('keeps them with --no-redact (so the scan above is meaningful)', async () => {
    const session = await recordSimSession({ soc: 'mp15', scenario: 'uboot-no-reconnect' });
    const files = await entries(await exportFlash(session, false));
    expect(files.get('journal.jsonl')).toContain(session.homeDir);
    expect(files.get('host-facts.json')).toContain(FAKE_HOST);
    expect(files.get('app-log.txt')).toContain(FAKE_USER);
    const manifest = JSON.parse(files.get('manifest.json')!) as BundleManifest;
    expect(manifest.redaction).toMatchObject({
      enabled: false,
      counts: { 'home-folder': 0, 'user-name': 0, 'host-name': 0 },
    });
  });
});
