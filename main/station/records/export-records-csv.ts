import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { UnitRecord } from '../../../shared/domain/station.js';
import type { RecordLineProblem } from './read-station-records.js';
import { readStationRecords } from './read-station-records.js';

/** Column → how it is read from a unit record. The order and the names are the MES contract. */
export const CSV_COLUMNS: readonly {
  header: string;
  value: (record: UnitRecord) => string | number | null;
}[] = [
  { header: 'unit_id', value: (r) => r.unitId },
  { header: 'started_at', value: (r) => r.startedAt },
  { header: 'ended_at', value: (r) => r.endedAt },
  { header: 'station', value: (r) => r.station },
  { header: 'slot', value: (r) => r.slot },
  { header: 'port_path', value: (r) => r.portPath },
  { header: 'serial', value: (r) => r.serial },
  { header: 'soc', value: (r) => r.soc },
  { header: 'outcome', value: (r) => r.outcome },
  { header: 'symptom', value: (r) => r.symptom },
  { header: 'refusal', value: (r) => r.refusal },
  { header: 'message', value: (r) => r.message },
  { header: 'duration_ms', value: (r) => (r.durationMs === null ? null : Math.round(r.durationMs)) },
  { header: 'profile_name', value: (r) => r.profileName },
  { header: 'profile_sha256', value: (r) => r.profileSha256 },
  { header: 'layout_sha256', value: (r) => r.layoutSha256 },
  { header: 'journal', value: (r) => r.journalPath },
  { header: 'app_version', value: (r) => r.appVersion },
];

/**
 * Writes every unit record (not the in-flight markers or the audit lines) as RFC 4180 CSV: a header
 * row, CRLF line ends, fields with a comma, quote, CR or LF quoted and quotes doubled, empty for null.
 * Streams: the records of years of production never sit in memory.
 */
export async function exportRecordsCsv(
  recordsDir: string,
  output: Writable,
  options: { signal?: AbortSignal; onProblem?: (problem: RecordLineProblem) => void } = {},
): Promise<{ units: number }> {
  let units = 0;
  async function* rows(): AsyncGenerator<(string | number | null)[]> {
    for await (const line of readStationRecords(recordsDir, options)) {
      if (line.kind !== 'unit') continue;
      units++;
      yield CSV_COLUMNS.map((column) => column.value(line));
    }
  }
  await pipeline(
    Readable.from(rows()),
    stringify({
      header: true,
      columns: CSV_COLUMNS.map((column) => column.header),
      record_delimiter: 'windows',
      // with CRLF records csv-stringify quotes a field holding CRLF but not a lone CR or LF, which
      // RFC 4180 (and every MES importer) needs quoted too
      quoted_match: /[\r\n]/,
      cast: { number: (value) => String(value) },
    }),
    output,
    ...(options.signal ? [{ signal: options.signal }] : []),
  );
  return { units };
}
