import { describe, expect, test } from 'vitest';
import {
  flashReducer,
  initialFlashState,
  isFlashActive,
  overallProgress,
  waitRemainingMs,
  type FlashAction,
  type FlashState,
} from '../../../renderer/src/flash/flash-reducer.js';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import { sessionEvents } from './timeline/session-events.js';

function run(actions: FlashAction[], from: FlashState = initialFlashState): FlashState {
  return actions.reduce(flashReducer, from);
}

function feed(events: FlashEvent[], sessionId = 's1'): FlashState {
  return run([
    { type: 'start-requested', layoutPath: '/l.tsv', targetPort: '1-2', plannedBytes: 1000 },
    ...events.map((event): FlashAction => ({ type: 'event', sessionId, event })),
  ]);
}

describe('flashReducer', () => {
  test('a whole successful session: every partition done, totals add up, no wait left', async () => {
    const events = await sessionEvents('mp15');
    const state = feed(events);
    expect(state.status).toBe('ok');
    expect(state.phase).toBe('done');
    expect(state.wait).toBeNull();
    expect(state.partitions.every((p) => p.state === 'done')).toBe(true);
    const overall = overallProgress(state);
    expect(overall.bytesDone).toBe(overall.totalBytes);
    expect(overall.etaMs).toBe(0);
    expect(state.events.some((e) => e.type === 'partition-progress')).toBe(false);
  });

  test('a failed session keeps the wait until the outcome, then the diagnosis', async () => {
    const events = await sessionEvents('mp15', 'uboot-no-reconnect');
    const waitIndex = events.findIndex((e) => e.type === 'wait-start' && e.after === 'after-fip');
    const waiting = feed(events.slice(0, waitIndex + 1));
    expect(isFlashActive(waiting)).toBe(true);
    expect(waiting.wait).toMatchObject({ after: 'after-fip', timeoutMs: 30_000, portPath: '1-2' });
    expect(waitRemainingMs(waiting.wait!, Date.parse(waiting.wait!.deadlineAt) - 12_000)).toBe(12_000);
    const done = feed(events);
    expect(done.status).toBe('failed');
    expect(done.wait).toBeNull();
    expect(done.outcome?.diagnosis?.symptom).toBe('no-reenumeration');
    expect(done.error?.code).toBe('reenumeration-timeout');
  });

  test('progress updates the running partition; the ETA comes from its rate', () => {
    const at = { tMs: 0, at: '2026-01-01T00:00:00.000Z' };
    const state = feed([
      {
        ...at,
        type: 'partition-start',
        stage: 'uboot-partitions',
        phaseId: 0x11,
        name: 'rootfs',
        alt: 8,
        sizeBytes: 1000,
        file: null,
      },
      {
        ...at,
        type: 'partition-progress',
        phaseId: 0x11,
        bytesSent: 400,
        totalBytes: 1000,
        rateBytesPerS: 200,
        etaMs: 3000,
      },
    ]);
    expect(state.partitions[0]).toMatchObject({ bytesSent: 400, state: 'active', etaMs: 3000 });
    expect(overallProgress(state)).toMatchObject({
      bytesDone: 400,
      totalBytes: 1000,
      rateBytesPerS: 200,
      etaMs: 3000,
    });
  });

  test('events of another session are ignored; events before flash.start answers adopt the session', () => {
    const at = { tMs: 1, at: 'x' };
    const started = run([
      { type: 'start-requested', layoutPath: '/l.tsv', targetPort: null, plannedBytes: 0 },
      {
        type: 'event',
        sessionId: 'early',
        event: { ...at, type: 'stage', phase: 'rom', info: null, connectionId: null },
      },
      { type: 'started', sessionId: 'early' },
      {
        type: 'event',
        sessionId: 'other',
        event: { ...at, type: 'stage', phase: 'tfa', info: null, connectionId: null },
      },
    ]);
    expect(started.sessionId).toBe('early');
    expect(started.phase).toBe('rom');
    expect(started.status).toBe('running');
    expect(
      run([
        {
          type: 'event',
          sessionId: 'x',
          event: { ...at, type: 'stage', phase: 'rom', info: null, connectionId: null },
        },
      ]),
    ).toBe(initialFlashState);
  });

  test('a start that fails, and a session that ends without a result', () => {
    const failed = run([
      { type: 'start-requested', layoutPath: '/l.tsv', targetPort: null, plannedBytes: 0 },
      { type: 'start-failed', error: { code: 'layout-invalid', message: 'bad', hint: null, fields: {} } },
    ]);
    expect(failed.status).toBe('error');
    expect(failed.failure?.code).toBe('layout-invalid');
    const crashed = run([
      { type: 'start-requested', layoutPath: '/l.tsv', targetPort: null, plannedBytes: 0 },
      { type: 'started', sessionId: 's' },
      {
        type: 'finished',
        finished: {
          sessionId: 's',
          result: null,
          error: { code: 'internal', message: 'x', hint: null, fields: {} },
        },
      },
    ]);
    expect(crashed.status).toBe('error');
  });

  test('restore replays a session view', async () => {
    const events = await sessionEvents('mp13');
    const restored = flashReducer(initialFlashState, {
      type: 'restore',
      plannedBytes: 0,
      view: {
        sessionId: 's',
        layoutPath: '/l.tsv',
        target: { portPath: '1-2', serial: null },
        events,
        finished: null,
        journalPath: null,
      },
    });
    expect(restored.status).toBe('ok');
    expect(restored.partitions.length).toBeGreaterThan(5);
  });
});
