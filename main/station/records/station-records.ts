import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type {
  AuditEventName,
  AuditRecord,
  InFlightRecord,
  LockAction,
  ShiftCounters,
  StationRecordLine,
  UnitRecord,
} from '../../../shared/domain/station.js';
import { OUTCOME_SENTENCES, STATION_RECORD_SCHEMA } from '../../../shared/domain/station.js';
import { AppError } from '../../core/app-error.js';
import type { Clock } from '../../core/clock.js';
import { countOutcome, emptyCounters } from '../shift-counters.js';
import type { RecordLineProblem } from './read-station-records.js';
import { RECORDS_JOURNALS_DIR, readStationRecords, recordsFilePath } from './read-station-records.js';
import type { LockOwner } from './records-lock.js';
import { acquireRecordsLock, processIsAlive } from './records-lock.js';

export interface StationRecordsOptions {
  /** Wall time for the records; the write timeout runs in real time whatever this clock is. */
  clock: Clock;
  /** The station's host name, written into every record. */
  station: string;
  pid?: number;
  isProcessAlive?: (pid: number) => boolean;
  /** A record write slower than this fails (a hung network share must not hang the station). */
  writeTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface OpenedStationRecords {
  records: StationRecords;
  /** Units that were in flight when the station last stopped, now recorded as interrupted. */
  recovered: UnitRecord[];
  /** Counted from the records since the last `counters-cleared`: a restart keeps the shift's counts. */
  counters: ShiftCounters;
  problems: RecordLineProblem[];
  /** The PIN lock as the last pin-* record left it (null: no wrong PIN since the last right one). */
  pinBackoff: PinBackoffRecord | null;
}

export interface PinBackoffRecord {
  /** Consecutive wrong PINs. */
  failures: number;
  /** Wall-clock time (ms since the epoch) until which no PIN is checked; 0 when none. */
  lockedUntilWallMs: number;
}

/**
 * The station's append-only record: one JSON line per event, each written whole and fdatasync'ed
 * before the call resolves, so a unit's record survives a power cut the moment it is reported.
 */
export class StationRecords {
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly recordsDir: string,
    private readonly handle: FileHandle,
    private readonly release: () => Promise<void>,
    private readonly options: StationRecordsOptions,
  ) {}

  get filePath(): string {
    return recordsFilePath(this.recordsDir);
  }

  get journalsDir(): string {
    return path.join(this.recordsDir, RECORDS_JOURNALS_DIR);
  }

  get station(): string {
    return this.options.station;
  }

  static async open(recordsDir: string, options: StationRecordsOptions): Promise<OpenedStationRecords> {
    const dir = path.resolve(recordsDir);
    try {
      await mkdir(path.join(dir, RECORDS_JOURNALS_DIR), { recursive: true });
    } catch (error) {
      throw new AppError(
        'file-unwritable',
        `Cannot create the records folder ${dir}: ${(error as Error).message}.`,
        { path: dir },
        'Give the station a writable records folder.',
      );
    }
    const owner: LockOwner = { pid: options.pid ?? process.pid, hostname: options.station };
    const release = await acquireRecordsLock(
      path.join(dir, 'station-records.lock'),
      owner,
      options.clock.wallNow(),
      options.isProcessAlive ?? processIsAlive,
    );
    let handle: FileHandle | undefined;
    try {
      handle = await open(recordsFilePath(dir), 'a+');
      await endWithNewline(handle);
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await release();
      throw new AppError(
        'file-unwritable',
        `Cannot write the station records ${recordsFilePath(dir)}: ${(error as Error).message}.`,
        { path: dir },
      );
    }
    const records = new StationRecords(dir, handle, release, options);
    try {
      const scan = await scanRecords(dir, options.signal);
      const recovered: UnitRecord[] = [];
      let counters = scan.counters;
      for (const marker of scan.unresolved) {
        const record = interruptedRecord(marker, options.clock.wallNow().toISOString());
        await records.append(record);
        recovered.push(record);
        counters = countOutcome(counters, 'interrupted');
      }
      return { records, recovered, counters, problems: scan.problems, pinBackoff: scan.pinBackoff };
    } catch (error) {
      await records.close();
      throw error;
    }
  }

  /** Appends one line and syncs it; writes are serialised in call order. */
  append(line: StationRecordLine): Promise<void> {
    if (this.closed) return Promise.reject(new AppError('internal', 'The station records are closed.'));
    const text = `${JSON.stringify(line)}\n`;
    const write = this.chain.then(() => this.writeSynced(text));
    this.chain = write.catch(() => undefined);
    return write;
  }

  audit(
    event: AuditEventName,
    action: LockAction | null,
    detail: string | null,
    pin?: AuditRecord['pin'],
  ): Promise<void> {
    const record: AuditRecord = {
      kind: 'audit',
      schema: STATION_RECORD_SCHEMA,
      at: this.options.clock.wallNow().toISOString(),
      station: this.options.station,
      event,
      action,
      detail,
      ...(pin ? { pin } : {}),
    };
    return this.append(record);
  }

  /** Paths inside the records are relative to its folder, so the folder can be archived whole. */
  relative(filePath: string): string {
    return path.relative(this.recordsDir, filePath);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain;
    await this.handle.close().catch(() => undefined);
    await this.release();
  }

  private async writeSynced(text: string): Promise<void> {
    const timeoutMs = this.options.writeTimeoutMs ?? 15_000;
    // A real timer, not the injected clock: the disk runs in real time even when the boards are
    // simulated on virtual time (where an auto-advancing clock would jump past any fsync).
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new AppError('timeout', `Writing the station records took longer than ${timeoutMs} ms.`, {
              path: this.filePath,
            }),
          ),
        timeoutMs,
      );
      timer.unref();
    });
    const io = (async () => {
      await this.handle.write(text);
      await this.handle.datasync();
    })();
    try {
      await Promise.race([io, timeout]);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        'file-unwritable',
        `Cannot write the station records ${this.filePath}: ${(error as Error).message}.`,
        { path: this.filePath },
        'Nothing more will be flashed until the records can be written.',
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A crash can leave a half line; the next record must start on a line of its own. */
async function endWithNewline(handle: FileHandle): Promise<void> {
  const { size } = await handle.stat();
  if (size === 0) return;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] !== 0x0a) {
    await handle.write('\n');
    await handle.datasync();
  }
}

async function scanRecords(
  dir: string,
  signal: AbortSignal | undefined,
): Promise<{
  unresolved: InFlightRecord[];
  counters: ShiftCounters;
  problems: RecordLineProblem[];
  pinBackoff: PinBackoffRecord | null;
}> {
  const inFlight = new Map<string, InFlightRecord>();
  const problems: RecordLineProblem[] = [];
  let counters = emptyCounters(null);
  let pinBackoff: PinBackoffRecord | null = null;
  const options = {
    onProblem: (problem: RecordLineProblem) => problems.push(problem),
    ...(signal ? { signal } : {}),
  };
  for await (const line of readStationRecords(dir, options)) {
    if (line.kind === 'in-flight') inFlight.set(line.unitId, line);
    else if (line.kind === 'unit') {
      inFlight.delete(line.unitId);
      counters = countOutcome(counters, line.outcome);
    } else if (line.event === 'counters-cleared') counters = emptyCounters(line.at);
    else if (line.event === 'pin-accepted') pinBackoff = null;
    else if (line.event === 'pin-refused' || line.event === 'pin-locked-out')
      pinBackoff = pinBackoffOf(line) ?? pinBackoff;
  }
  return { unresolved: [...inFlight.values()], counters, problems, pinBackoff };
}

/** The lock state a refused attempt recorded; null for a line too old to say (no `pin` field). */
function pinBackoffOf(line: AuditRecord): PinBackoffRecord | null {
  const at = Date.parse(line.at);
  if (!line.pin || !Number.isFinite(at)) return null;
  const { failures, retryAfterMs } = line.pin;
  if (!Number.isSafeInteger(failures) || failures < 0 || !(retryAfterMs >= 0)) return null;
  return { failures, lockedUntilWallMs: retryAfterMs > 0 ? at + retryAfterMs : 0 };
}

function interruptedRecord(marker: InFlightRecord, now: string): UnitRecord {
  return {
    ...marker,
    kind: 'unit',
    endedAt: now,
    outcome: 'interrupted',
    symptom: null,
    refusal: null,
    message: OUTCOME_SENTENCES.interrupted,
    durationMs: null,
  };
}
