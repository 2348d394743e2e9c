import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FlashSessionView } from '../../shared/ipc/flash-channels.js';
import { SessionBundleService } from '../../main/app/session-bundle-service.js';
import { AppError } from '../../main/core/app-error.js';
import { recordSimSession, type RecordedSession } from './bundle-fixture.js';

function viewOf(session: RecordedSession, patch: Partial<FlashSessionView> = {}): FlashSessionView {
  return {
    sessionId: 's',
    layoutPath: session.layoutPath,
    target: { portPath: '1-2', serial: null },
    events: session.events,
    finished: { sessionId: 's', result: null, error: null },
    journalPath: session.journalPath,
    ...patch,
  };
}

function serviceFor(session: RecordedSession, view: FlashSessionView | null, pick?: () => string | null) {
  return new SessionBundleService({
    flash: { current: () => view },
    host: { facts: () => Promise.resolve(session.host) },
    bundlesDir: path.join(session.root, 'bundles'),
    appLogPath: session.appLogPath,
    ...(pick ? { pickSavePath: () => Promise.resolve(pick()) } : {}),
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
}

describe('SessionBundleService', () => {
  let session: RecordedSession;
  beforeAll(async () => {
    session = await recordSimSession({ soc: 'mp15', scenario: 'uboot-no-reconnect' });
  });
  afterAll(async () => {
    if (session) await rm(session.root, { recursive: true, force: true });
  });

  test('no session, a running one, or one without a journal: a coded error, nothing written', async () => {
    await expect(codeOf(serviceFor(session, null).exportLatest(true))).resolves.toBe('bad-input');
    await expect(
      codeOf(serviceFor(session, viewOf(session, { finished: null })).exportLatest(true)),
    ).resolves.toBe('bad-input');
    await expect(
      codeOf(serviceFor(session, viewOf(session, { journalPath: null })).exportLatest(true)),
    ).resolves.toBe('file-not-found');
  });

  test('web mode writes into bundles/ under the journal name; the bundle opens as the read-only view', async () => {
    const service = serviceFor(session, viewOf(session));
    const exported = await service.exportLatest(true);
    expect(exported.path).toBe(
      path.join(session.root, 'bundles', path.basename(session.journalPath).replace(/\.jsonl$/, '.zip')),
    );
    expect(exported.sizeBytes).toBeGreaterThan(1000);

    const view = await service.open(exported.path!);
    expect(view.fileName).toBe(path.basename(exported.path!));
    expect(view.redacted).toBe(true);
    expect(view.events.length).toBe(session.events.length);
    expect(view.diagnosis?.symptom).toBe('no-reenumeration');
    expect(view.recordedDiagnosis?.symptom).toBe('no-reenumeration');
    expect(view.diagnosisDiffers).toBe(false);
    expect(view.layoutText).toContain('fsbl');
    expect(view.hostAtFlash).not.toBeNull();
    expect(view.plannedBytes).toBeGreaterThan(512 * 1024);
    expect(view.problems).toEqual([]);
  });

  test('a cancelled save dialog writes nothing and says so with a null path', async () => {
    const exported = await serviceFor(session, viewOf(session), () => null).exportLatest(false);
    expect(exported).toEqual({ path: null, sizeBytes: 0 });
  });

  test('opening something that is not a bundle is a coded error', async () => {
    const service = serviceFor(session, null);
    await expect(codeOf(service.open(session.layoutPath))).resolves.toBe('bundle-invalid');
    await expect(codeOf(service.open(path.join(session.root, 'nope.zip')))).resolves.toBe('file-not-found');
  });
});
