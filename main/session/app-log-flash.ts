import type { FlashEvent } from '../../shared/domain/flash-event.js';
import type { AppLog } from './app-log.js';

/**
 * What of a flash session goes to the app log: its start, stage changes, failed waits, errors and the
 * outcome — enough to find the session (and its journal) from the log. Progress stays in the journal.
 */
export function logFlashEvents(
  log: Pick<AppLog, 'write'>,
  journalPath: string | null,
): (event: FlashEvent) => void {
  let sessionId: string | null = null;
  return (event) => {
    switch (event.type) {
      case 'session-start':
        sessionId = event.sessionId;
        log.write('info', 'flash session started', {
          sessionId,
          layout: event.layoutPath,
          target: event.target,
          journal: journalPath,
          appVersion: event.appVersion,
          host: {
            os: `${event.host.os} ${event.host.osRelease}`,
            kernel: event.host.kernel,
            vm: event.host.vm.detected ? (event.host.vm.kind ?? 'other') : null,
            usbAccess: event.host.usbAccess.state,
          },
        });
        break;
      case 'stage':
        log.write('debug', `stage ${event.phase}`, { sessionId, connectionId: event.connectionId });
        break;
      case 'wait-end':
        if (event.result !== 'arrived') {
          log.write('warn', `wait ${event.after} ended: ${event.result}`, {
            sessionId,
            elapsedMs: Math.round(event.elapsedMs),
          });
        }
        break;
      case 'error':
        log.write(
          event.error.code === 'aborted' ? 'info' : 'error',
          `${event.stage}: ${event.error.message}`,
          {
            sessionId,
            code: event.error.code,
          },
        );
        break;
      case 'outcome':
        log.write(
          event.ok ? 'info' : event.cancelled ? 'warn' : 'error',
          `flash session ${event.ok ? 'succeeded' : event.cancelled ? 'cancelled' : `failed: ${event.symptom ?? 'unknown'}`}`,
          {
            sessionId,
            durationMs: Math.round(event.durationMs),
            partitionsWritten: event.partitionsWritten,
            bytesWritten: event.bytesWritten,
            journal: journalPath,
            ...(event.diagnosis ? { summary: event.diagnosis.summary } : {}),
          },
        );
        break;
      default:
        break;
    }
  };
}
