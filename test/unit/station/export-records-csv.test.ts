import { parse } from 'csv-parse/sync';
import { appendFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { UnitRecord } from '../../../shared/domain/station.js';
import { CSV_COLUMNS, exportRecordsCsv } from '../../../main/station/records/export-records-csv.js';
import { recordsFilePath } from '../../../main/station/records/read-station-records.js';

function unit(unitId: string, extra: Partial<UnitRecord>): UnitRecord {
  return {
    kind: 'unit',
    schema: 1,
    unitId,
    startedAt: '2026-03-02T08:00:00.000Z',
    endedAt: '2026-03-02T08:01:00.000Z',
    station: 'line3',
    slot: 'A',
    portPath: '1-2',
    serial: '00AB00CD1234567890ABCDEF',
    soc: 'mp15',
    profileName: 'Line 3',
    profileSha256: 'a'.repeat(64),
    layoutSha256: 'b'.repeat(64),
    journalPath: 'journals/u.jsonl',
    appVersion: '0.1.0',
    outcome: 'pass',
    symptom: null,
    refusal: null,
    message: 'Flashed; take the board out.',
    durationMs: 61_234.5,
    ...extra,
  };
}

async function exportText(dir: string): Promise<{ text: string; units: number }> {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString('utf8');
      callback();
    },
  });
  const { units } = await exportRecordsCsv(dir, sink);
  return { text, units };
}

describe('records → CSV for the MES', () => {
  it('writes a header and one RFC 4180 row per unit, quoting only what needs it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'csv-'));
    const tricky = unit('u2', {
      outcome: 'fail',
      symptom: 'layout-rejected',
      profileName: 'Line 3, "night" shift',
      message: 'U-Boot said:\r\n"Layout line 4: invalid offset \'zz\'"\rend',
      serial: null,
      station: 'line\n3',
      durationMs: null,
      journalPath: null,
    });
    const lines = [
      unit('u1', {}),
      { kind: 'in-flight', unitId: 'u2' },
      { kind: 'audit', event: 'pin-refused' },
      tricky,
    ];
    await appendFile(recordsFilePath(dir), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const { text, units } = await exportText(dir);
    expect(units).toBe(2);
    expect(text.startsWith(`${CSV_COLUMNS.map((c) => c.header).join(',')}\r\n`)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    // plain fields are not quoted; a field with a comma, quote, CR or LF is, with quotes doubled
    expect(text).toContain(
      ',1-2,00AB00CD1234567890ABCDEF,mp15,pass,,,Flashed; take the board out.,61235,Line 3,',
    );
    expect(text).toContain('"Line 3, ""night"" shift"');
    expect(text).toContain(',"line\n3",');
    expect(text).toContain('"U-Boot said:\r\n""Layout line 4: invalid offset \'zz\'""\rend"');
    const rows = parse<Record<string, string>>(text, { columns: true, record_delimiter: '\r\n' });
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      unit_id: 'u2',
      serial: '',
      outcome: 'fail',
      symptom: 'layout-rejected',
      message: tricky.message,
      duration_ms: '',
      journal: '',
      profile_name: tricky.profileName,
      station: 'line\n3',
    });
  });

  it('an empty records folder gives the header alone', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'csv-'));
    const { text, units } = await exportText(dir);
    expect(units).toBe(0);
    expect(text.split('\r\n')).toEqual([CSV_COLUMNS.map((c) => c.header).join(','), '']);
  });
});
