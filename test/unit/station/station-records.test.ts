import { mkdtemp, readFile, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InFlightRecord, StationRecordLine, UnitRecord } from '../../../shared/domain/station.js';
import { VirtualClock } from '../../../main/core/clock.js';
import { readStationRecords, recordsFilePath } from '../../../main/station/records/read-station-records.js';
import { StationRecords } from '../../../main/station/records/station-records.js';

const clock = new VirtualClock({ startWall: new Date('2026-03-02T08:00:00.000Z') });

function marker(unitId: string, slot = 'A'): InFlightRecord {
  return {
    kind: 'in-flight',
    schema: 1,
    unitId,
    startedAt: '2026-03-02T08:00:00.000Z',
    station: 'line3',
    slot,
    portPath: '1-2',
    serial: '00AB00CD1234567890ABCDEF',
    soc: 'mp15',
    profileName: 'Line 3',
    profileSha256: 'a'.repeat(64),
    layoutSha256: 'b'.repeat(64),
    journalPath: `journals/flash-${unitId}.jsonl`,
    appVersion: '0.1.0',
  };
}

function unit(unitId: string, outcome: UnitRecord['outcome'], extra: Partial<UnitRecord> = {}): UnitRecord {
  return {
    ...marker(unitId),
    kind: 'unit',
    endedAt: '2026-03-02T08:01:00.000Z',
    outcome,
    symptom: outcome === 'fail' ? 'no-reenumeration' : null,
    refusal: null,
    message: outcome === 'pass' ? 'Flashed; take the board out.' : 'The board did not come back.',
    durationMs: 60_000,
    ...extra,
  };
}

async function all(dir: string): Promise<StationRecordLine[]> {
  const lines: StationRecordLine[] = [];
  for await (const line of readStationRecords(dir)) lines.push(line);
  return lines;
}

const open = (dir: string, alive = false): ReturnType<typeof StationRecords.open> =>
  StationRecords.open(dir, { clock, station: 'line3', pid: 4242, isProcessAlive: () => alive });

describe('station records', () => {
  it('appends whole lines and reads them back in order', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'records-'));
    const { records, recovered, counters } = await open(dir);
    expect(recovered).toEqual([]);
    expect(counters).toMatchObject({ passed: 0, failed: 0, yieldPercent: null });
    await records.append(marker('u1'));
    await records.append(unit('u1', 'pass'));
    await records.audit('pin-refused', 'leave-operator-mode', 'consecutive failures 1');
    await records.close();
    const lines = await all(dir);
    expect(lines.map((l) => l.kind)).toEqual(['in-flight', 'unit', 'audit']);
    expect(lines[1]).toEqual(unit('u1', 'pass'));
    expect(lines[2]).toMatchObject({ event: 'pin-refused', action: 'leave-operator-mode', station: 'line3' });
    const text = await readFile(recordsFilePath(dir), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trim().split('\n')).toHaveLength(3);
  });

  it('hands the PIN back-off of the last run to the next start, until a right PIN', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'records-'));
    const first = await open(dir);
    expect(first.pinBackoff).toBeNull();
    // a line from before the field existed says nothing either way
    await first.records.audit('pin-refused', 'check', 'consecutive failures 1, retry after 0 ms');
    await first.records.audit('pin-refused', 'check', 'consecutive failures 3', {
      failures: 3,
      retryAfterMs: 30_000,
    });
    await first.records.close();
    const second = await open(dir);
    expect(second.pinBackoff).toEqual({
      failures: 3,
      lockedUntilWallMs: clock.wallNow().getTime() + 30_000,
    });
    await second.records.audit('pin-accepted', 'leave-operator-mode', null, { failures: 0, retryAfterMs: 0 });
    await second.records.close();
    const third = await open(dir);
    expect(third.pinBackoff).toBeNull();
    await third.records.close();
  });

  it('turns a unit left in flight by a crash into an interrupted record at the next start', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'records-'));
    const first = await open(dir);
    await first.records.append(marker('done'));
    await first.records.append(unit('done', 'pass'));
    await first.records.append(marker('in-flight-B', 'B'));
    // the process dies here: no unit record, the lock file stays behind

    const second = await open(dir, false);
    expect(second.recovered).toHaveLength(1);
    expect(second.recovered[0]).toMatchObject({
      kind: 'unit',
      unitId: 'in-flight-B',
      slot: 'B',
      outcome: 'interrupted',
      durationMs: null,
      journalPath: 'journals/flash-in-flight-B.jsonl',
    });
    expect(second.recovered[0]!.message).toMatch(/stopped while this board was being flashed/);
    expect(second.counters).toMatchObject({ passed: 1, interrupted: 1, yieldPercent: 100 });
    await second.records.close();
    const third = await open(dir);
    expect(third.recovered).toEqual([]);
    await third.records.close();
    const units = (await all(dir)).filter((l) => l.kind === 'unit');
    expect(units.map((u) => u.outcome)).toEqual(['pass', 'interrupted']);
  });

  it('keeps reading past a half-written last line and starts the next record on its own line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'records-'));
    await writeFile(recordsFilePath(dir), `${JSON.stringify(unit('u1', 'fail'))}\n{"kind":"unit","sch`);
    const { records, problems, counters } = await open(dir);
    expect(problems).toEqual([{ line: 2, text: '{"kind":"unit","sch' }]);
    expect(counters).toMatchObject({ failed: 1, yieldPercent: 0 });
    await records.append(unit('u2', 'pass'));
    await records.close();
    expect((await all(dir)).map((l) => (l as UnitRecord).unitId)).toEqual(['u1', 'u2']);
  });

  it('counts the shift from the last counters-cleared, across restarts', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'records-'));
    await appendFile(
      recordsFilePath(dir),
      [
        unit('a', 'pass'),
        unit('b', 'fail'),
        {
          kind: 'audit',
          schema: 1,
          at: '2026-03-02T09:00:00.000Z',
          station: 'line3',
          event: 'counters-cleared',
          action: 'clear-counters',
          detail: null,
        },
        unit('c', 'pass'),
        unit('d', 'pass'),
        unit('e', 'fail'),
        unit('f', 'refused', { refusal: 'serial-pattern', durationMs: null }),
      ]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );
    const { records, counters } = await open(dir);
    await records.close();
    expect(counters).toEqual({
      passed: 2,
      failed: 1,
      refused: 1,
      interrupted: 0,
      cancelled: 0,
      yieldPercent: 66.7,
      since: '2026-03-02T09:00:00.000Z',
    });
  });

  it('refuses a records folder another live station process holds, and takes over a dead one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'records-'));
    const first = await open(dir);
    await expect(open(dir, true)).rejects.toMatchObject({ code: 'station-records-locked' });
    await expect(open(dir, true)).rejects.toThrow(/in use by another station process \(pid 4242 on line3/);
    const second = await open(dir, false);
    await second.records.close();
    await first.records.close();
  });

  it('a missing records file is an empty history', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'records-'));
    expect(await all(path.join(dir, 'nothing-here'))).toEqual([]);
  });
});
