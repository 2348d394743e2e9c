import { describe, expect, test } from 'vitest';
import { buildIdentityTimeline, gapDurationMs } from '../../../../shared/timeline/identity-timeline.js';
import { EventLog, identity, stageInfo } from '../../../helpers/flash-event-builder.js';
import { sessionEvents } from './session-events.js';

describe('buildIdentityTimeline', () => {
  test('a full MP15 flash: ROM → TF-A on one enumeration, then U-Boot twice, with the gaps between', async () => {
    const timeline = buildIdentityTimeline(await sessionEvents('mp15'));
    expect(timeline.status).toBe('ok');
    expect(timeline.failure).toBeNull();
    expect(timeline.identities.map((i) => i.segments.map((s) => s.stage))).toEqual([
      ['rom', 'tfa'],
      ['uboot-layout'],
      ['uboot-partitions'],
    ]);
    expect(timeline.gaps).toHaveLength(2);
    expect(timeline.gaps.every((g) => g.result === 'arrived')).toBe(true);
    expect(timeline.gaps[0]!.after).toBe('after-fip');
    // TF-A → U-Boot takes about 3 s in the simulator's timing model.
    expect(gapDurationMs(timeline.gaps[0]!)).toBeGreaterThan(2500);
    const [rom, ubootLayout, ubootParts] = timeline.identities;
    expect(rom!.transfers.map((t) => t.phaseId)).toEqual([0x01, 0x03]);
    expect(ubootLayout!.transfers.map((t) => t.name)).toEqual(['FlashLayout']);
    expect(ubootParts!.transfers.every((t) => t.ok === true)).toBe(true);
    expect(ubootParts!.phases.at(-1)!.phase).toBe(0xfe);
    expect(rom!.open).toBe(false);
    expect(ubootParts!.open).toBe(true);
    expect(ubootParts!.endMs).toBe(timeline.endMs);
  });

  test('a MP13 flash has a TF-A enumeration of its own', async () => {
    const timeline = buildIdentityTimeline(await sessionEvents('mp13'));
    expect(timeline.identities.map((i) => i.info.stage)).toEqual([
      'rom',
      'tfa',
      'uboot-layout',
      'uboot-partitions',
    ]);
    expect(timeline.gaps).toHaveLength(3);
  });

  test('uboot-no-reconnect: the last gap never closes and the failure sits at its end', async () => {
    const timeline = buildIdentityTimeline(await sessionEvents('mp15', 'uboot-no-reconnect'));
    expect(timeline.status).toBe('failed');
    expect(timeline.identities).toHaveLength(1);
    const gap = timeline.gaps.at(-1)!;
    expect(gap.result).toBe('timeout');
    expect(gap.toConnectionId).toBeNull();
    expect(gap.timeoutMs).toBe(30_000);
    expect(timeline.failure).toMatchObject({
      symptom: 'no-reenumeration',
      title: 'The board did not come back',
      errorCode: 'reenumeration-timeout',
    });
    expect(timeline.failure!.tMs).toBe(gap.endMs);
    expect(timeline.failure!.connectionId).toBe(timeline.identities[0]!.connectionId);
  });

  test('a running session: open bars and gaps grow to now', () => {
    const rom = identity({ connectionId: 'a' });
    const log = new EventLog()
      .start()
      .push({
        type: 'identity',
        change: 'connect',
        role: 'target',
        identity: rom,
        info: stageInfo('rom'),
        serialNote: null,
      })
      .at(400)
      .push({
        type: 'wait-start',
        after: 'after-fsbl',
        expecting: ['tfa'],
        portPath: '1-2',
        timeoutMs: 10_000,
        deadlineAt: 'x',
      })
      .at(410)
      .push({
        type: 'identity',
        change: 'disconnect',
        role: 'target',
        identity: rom,
        info: stageInfo('rom'),
        serialNote: null,
      });
    const timeline = buildIdentityTimeline(log.events, { nowMs: 2000 });
    expect(timeline.status).toBe('running');
    expect(timeline.endMs).toBe(2000);
    expect(timeline.gaps).toEqual([
      expect.objectContaining({
        startMs: 410,
        endMs: 2000,
        result: 'open',
        after: 'after-fsbl',
        timeoutMs: 10_000,
      }),
    ]);
  });

  test('other devices are counted, not drawn; a wait that fails while the board stays on the bus is a gap', () => {
    const rom = identity({ connectionId: 'a' });
    const log = new EventLog()
      .start()
      .push({
        type: 'identity',
        change: 'connect',
        role: 'target',
        identity: rom,
        info: stageInfo('rom'),
        serialNote: null,
      })
      .push({
        type: 'identity',
        change: 'connect',
        role: 'other',
        identity: identity({ portPath: '1-3' }),
        info: stageInfo('rom'),
        serialNote: null,
      })
      .at(100)
      .push({
        type: 'wait-start',
        after: 'after-fsbl',
        expecting: ['tfa'],
        portPath: '1-2',
        timeoutMs: 500,
        deadlineAt: 'x',
      })
      .at(600)
      .push({
        type: 'wait-end',
        after: 'after-fsbl',
        result: 'board-reset',
        elapsedMs: 500,
        connectionId: null,
      })
      .push({
        type: 'outcome',
        ok: false,
        cancelled: false,
        symptom: 'board-reset',
        diagnosis: null,
        durationMs: 600,
        partitionsWritten: 0,
        bytesWritten: 0,
      });
    const timeline = buildIdentityTimeline(log.events);
    expect(timeline.otherIdentities).toBe(1);
    expect(timeline.identities).toHaveLength(1);
    expect(timeline.gaps).toEqual([
      expect.objectContaining({ startMs: 100, endMs: 600, result: 'board-reset', fromConnectionId: 'a' }),
    ]);
    expect(timeline.failure).toMatchObject({ symptom: 'board-reset', tMs: 600, title: 'The board reset' });
  });
});
