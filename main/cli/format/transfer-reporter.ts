import type { BoardIdentity } from '../../../shared/domain/board-identity.js';
import type { ErrorData } from '../../../shared/domain/flash-event.js';
import { ProgressThrottle } from '../../flash/progress-throttle.js';
import type { CliIo } from '../cli-io.js';
import { formatBytes, formatDurationMs, formatRate } from './format-units.js';

export interface TransferStart {
  command: 'download' | 'upload';
  file: string;
  alt: { index: number; name: string | null };
  board: BoardIdentity;
  stage: string | null;
  /** Download: the file size; upload: the --size limit, or null (until the device's short packet). */
  sizeBytes: number | null;
  transferSizeBytes: number;
}

/**
 * Progress of one `download` / `upload`: human lines (a live percentage on a terminal), or with
 * --json one object per line: `start`, `progress` (at most every 200 ms), `end` (always last).
 */
export class TransferReporter {
  private throttle: ProgressThrottle | null = null;
  private startMs = 0;
  private live = false;

  constructor(
    private readonly io: CliIo,
    private readonly json: boolean,
    private readonly nowMs: () => number,
  ) {}

  start(info: TransferStart): void {
    this.startMs = this.nowMs();
    this.throttle = new ProgressThrottle(info.sizeBytes ?? Number.MAX_SAFE_INTEGER, this.startMs);
    if (this.json) {
      this.line({
        type: 'start',
        command: info.command,
        file: info.file,
        alt: info.alt,
        portPath: info.board.portPath,
        serial: info.board.serial,
        stage: info.stage,
        sizeBytes: info.sizeBytes,
        transferSizeBytes: info.transferSizeBytes,
      });
      return;
    }
    const what =
      info.alt.name === null ? `alt ${info.alt.index}` : `alt ${info.alt.index} (${info.alt.name})`;
    const size = info.sizeBytes === null ? '' : ` ${formatBytes(info.sizeBytes)}`;
    const board = `${info.board.portPath}${info.stage ? `, ${info.stage}` : ''}, serial ${info.board.serial ?? 'none'}`;
    this.io.stdout(
      info.command === 'download'
        ? `Downloading ${info.file}${size} to ${what} on ${board}; ${info.transferSizeBytes}-byte blocks\n`
        : `Uploading ${what}${size} from ${board} to ${info.file}; ${info.transferSizeBytes}-byte blocks\n`,
    );
  }

  progress(bytes: number): void {
    const report = this.throttle?.update(this.nowMs(), bytes);
    if (!report) return;
    const known = report.totalBytes !== Number.MAX_SAFE_INTEGER;
    if (this.json) {
      this.line({
        type: 'progress',
        bytes,
        totalBytes: known ? report.totalBytes : null,
        rateBytesPerS: report.rateBytesPerS,
        etaMs: known ? report.etaMs : null,
      });
      return;
    }
    if (!this.io.isTty) return;
    const percent = known ? `${Math.floor((100 * bytes) / Math.max(1, report.totalBytes))}% ` : '';
    this.io.stdout(`\r  ${percent}${formatBytes(bytes)}  ${formatRate(report.rateBytesPerS)}   `);
    this.live = true;
  }

  end(outcome: { ok: true; bytes: number } | { ok: false; bytes: number; error: ErrorData }): void {
    const durationMs = this.nowMs() - this.startMs;
    const rateBytesPerS = durationMs > 0 ? Math.round((outcome.bytes * 1000) / durationMs) : 0;
    if (this.json) {
      this.line({
        type: 'end',
        ok: outcome.ok,
        bytes: outcome.bytes,
        durationMs: Math.round(durationMs * 1000) / 1000,
        rateBytesPerS,
        error: outcome.ok ? null : outcome.error,
      });
      return;
    }
    if (this.live) this.io.stdout('\n');
    if (outcome.ok) {
      this.io.stdout(
        `Done: ${formatBytes(outcome.bytes)} in ${formatDurationMs(durationMs)} (${formatRate(rateBytesPerS)}).\n`,
      );
    } else {
      this.io.stderr(`Failed after ${formatBytes(outcome.bytes)}: ${outcome.error.message}\n`);
      if (outcome.error.hint) this.io.stderr(`  ${outcome.error.hint}\n`);
    }
  }

  private line(object: Record<string, unknown>): void {
    this.io.stdout(`${JSON.stringify(object)}\n`);
  }
}
