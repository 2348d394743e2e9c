import type { Diagnosis } from '../../../shared/domain/diagnosis.js';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import { formatBytes, formatDurationMs, formatRate, hex2 } from './format-units.js';

const STAGE_WORDS: Record<string, string> = {
  preflight: 'Preflight',
  rom: 'ROM code',
  tfa: 'TF-A',
  'uboot-layout': 'U-Boot (layout)',
  'uboot-partitions': 'U-Boot (partitions)',
  done: 'Done',
};

/**
 * Turns the FlashEvent stream into what a bench engineer reads in a terminal: stages, identity
 * changes, one progress bar per partition (redrawn in place on a TTY, quartiles otherwise), the
 * outcome, and on failure the symptom and ranked causes.
 */
export class FlashEventPrinter {
  private barOpen = false;
  private lastQuartile = new Map<number, number>();

  constructor(
    private readonly write: (text: string) => void,
    private readonly isTty: boolean,
  ) {}

  print(event: FlashEvent): void {
    const t = `[${(event.tMs / 1000).toFixed(1).padStart(6)} s]`;
    switch (event.type) {
      case 'session-start':
        this.line(`${t} Flashing ${event.layoutPath}`);
        if (event.host.vm.detected) this.line(`${t} Host: ${event.host.vm.kind ?? 'virtual machine'} guest`);
        break;
      case 'preflight':
        this.line(
          `${t} ${event.level === 'info' ? 'note' : event.level}: ${event.message}${event.hint ? `\n           ${event.hint}` : ''}`,
        );
        break;
      case 'stage':
        this.line(
          `${t} ── ${STAGE_WORDS[event.phase] ?? event.phase}${event.info?.socName ? ` · ${event.info.socName}` : ''}`,
        );
        break;
      case 'identity': {
        const id = event.identity;
        const who = event.role === 'target' ? 'board' : 'other device';
        const note = event.serialNote ? ` (serial ${event.serialNote})` : '';
        this.line(
          `${t} ${event.change === 'connect' ? '+' : '-'} ${who} ${id.portPath} ${id.product ?? '(no product string)'} serial ${id.serial ?? 'none'} ${id.speed}${note}`,
        );
        break;
      }
      case 'wait-start':
        this.line(
          `${t} waiting up to ${formatDurationMs(event.timeoutMs)} for ${event.expecting.join(' / ')} on port ${event.portPath ?? '?'}…`,
        );
        break;
      case 'wait-end':
        if (event.result !== 'arrived')
          this.line(`${t} wait ended: ${event.result} after ${formatDurationMs(event.elapsedMs)}`);
        else this.line(`${t} came back after ${formatDurationMs(event.elapsedMs)}`);
        break;
      case 'phase':
        if (event.phase === 0xff)
          this.line(`${t} the board reports an error: ${event.errorText ?? 'Unspecified'}`);
        break;
      case 'dfu-anomaly':
        this.line(`${t} note: ${event.kind}: ${event.detail}`);
        break;
      case 'partition-start':
        this.lastQuartile.set(event.phaseId, -1);
        this.line(
          `${t} ${hex2(event.phaseId)} ${event.name} → alt ${event.alt}, ${formatBytes(event.sizeBytes)}`,
        );
        break;
      case 'partition-progress':
        this.progress(event);
        break;
      case 'partition-end':
        this.line(
          `${t} ${hex2(event.phaseId)} ${event.ok ? 'done' : 'FAILED'}: ${formatBytes(event.bytesSent)} in ${formatDurationMs(event.durationMs)} (${formatRate(event.rateBytesPerS)})`,
        );
        break;
      case 'error':
        this.line(
          `${t} error: ${event.error.message}${event.error.hint ? `\n           ${event.error.hint}` : ''}`,
        );
        break;
      case 'outcome':
        this.outcome(event);
        break;
      default:
        break;
    }
  }

  private progress(event: Extract<FlashEvent, { type: 'partition-progress' }>): void {
    const fraction = event.totalBytes > 0 ? event.bytesSent / event.totalBytes : 1;
    if (this.isTty) {
      const width = 30;
      const filled = Math.round(fraction * width);
      const eta = event.etaMs !== null ? ` ETA ${formatDurationMs(event.etaMs)}` : '';
      this.write(
        `\r           [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${formatBytes(event.bytesSent)} ${formatRate(event.rateBytesPerS)}${eta}   `,
      );
      this.barOpen = true;
      return;
    }
    const quartile = Math.floor(fraction * 4);
    if (quartile > (this.lastQuartile.get(event.phaseId) ?? 0) && quartile < 4) {
      this.lastQuartile.set(event.phaseId, quartile);
      this.line(
        `           ${quartile * 25}% ${formatBytes(event.bytesSent)} at ${formatRate(event.rateBytesPerS)}`,
      );
    }
  }

  private outcome(event: Extract<FlashEvent, { type: 'outcome' }>): void {
    if (event.ok) {
      this.line(
        `\nFlash complete: ${event.partitionsWritten} partitions, ${formatBytes(event.bytesWritten)} in ${formatDurationMs(event.durationMs)}.`,
      );
      return;
    }
    if (event.cancelled) {
      this.line('\nCancelled. The board was left in a known state.');
      return;
    }
    this.line(`\nFlash FAILED after ${formatDurationMs(event.durationMs)}.`);
    if (event.diagnosis) this.line(formatDiagnosis(event.diagnosis));
  }

  private line(text: string): void {
    if (this.barOpen) {
      this.write('\n');
      this.barOpen = false;
    }
    this.write(`${text}\n`);
  }
}

export function formatDiagnosis(diagnosis: Diagnosis): string {
  const lines = [
    `Symptom: ${diagnosis.symptom}${diagnosis.variant ? ` (${diagnosis.variant})` : ''} — ${diagnosis.summary}`,
  ];
  if (diagnosis.deviceText) lines.push(`Board said: ${diagnosis.deviceText}`);
  if (diagnosis.layoutLine !== null) lines.push(`Layout line: ${diagnosis.layoutLine}`);
  for (const fact of diagnosis.evidence) lines.push(`  seen: ${fact}`);
  lines.push('Likely causes, most likely first:');
  diagnosis.causes.forEach((cause, i) => {
    lines.push(`  ${i + 1}. [${cause.likelihood}] ${cause.title}  (${cause.id})`);
    for (const e of cause.evidence) lines.push(`       evidence: ${e}`);
    for (const c of cause.checks) lines.push(`       check:    ${c}`);
  });
  return lines.join('\n');
}
