import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { FlashEvent } from '../../shared/domain/flash-event.js';
import { planHasErrors } from '../../shared/domain/flash-plan.js';
import type { FlashFinished, FlashSessionView, FlashStartRequest } from '../../shared/ipc/flash-channels.js';
import type { IpcError } from '../../shared/ipc/ipc-result.js';
import { AppError } from '../core/app-error.js';
import type { Clock } from '../core/clock.js';
import type {
  FlashSessionDeps,
  FlashSessionRequest,
  FlashSessionResult,
} from '../flash/flash-session-types.js';
import type { StageTimeouts } from '../flash/stage-timeouts.js';
import type { UsbBus } from '../transport/usb-transport.js';
import { logFlashEvents } from '../session/app-log-flash.js';
import { JournalWriter } from '../session/journal/journal-writer.js';
import type { AppEventHub } from './app-events.js';
import type { AppLog } from './app-log.js';
import type { BoardWatcher } from './board-watcher.js';
import type { HostService } from './host-service.js';
import type { LayoutService } from './layout-service.js';

export type FlashRunner = (
  deps: FlashSessionDeps,
  request: FlashSessionRequest,
) => Promise<FlashSessionResult>;

export interface FlashServiceDeps {
  bus: UsbBus;
  clock: Clock;
  appVersion: string;
  events: AppEventHub;
  log: AppLog;
  layouts: LayoutService;
  host: HostService;
  boards: BoardWatcher;
  runFlash: FlashRunner;
  timeouts: () => Partial<StageTimeouts>;
  /** Folder for session journals, read at each start (it is a setting). */
  journalDir: () => string;
}

interface RunningSession {
  view: FlashSessionView;
  abort: AbortController;
}

/** Converts anything thrown into the data that crosses IPC. */
export function toIpcError(error: unknown): IpcError {
  if (error instanceof AppError) return error.toData();
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal',
    message: `Internal error: ${message}`,
    hint: 'This is a bug: the app log has the details.',
    fields: {},
  };
}

/**
 * One flash at a time from the GUI: it reads the layout again, journals every event, forwards the
 * events to the windows and keeps the latest session so a reloaded window can redraw it.
 */
export class FlashService {
  private latest: RunningSession | null = null;

  constructor(private readonly deps: FlashServiceDeps) {}

  running(): boolean {
    return this.latest !== null && this.latest.view.finished === null;
  }

  current(): FlashSessionView | null {
    return this.latest ? structuredClone(this.latest.view) : null;
  }

  async start(request: FlashStartRequest): Promise<{ sessionId: string }> {
    if (this.running()) {
      throw new AppError(
        'bad-input',
        'A flash is already running.',
        { sessionId: this.latest?.view.sessionId },
        'Wait for it to finish, or cancel it first.',
      );
    }
    const plan = await this.deps.layouts.plan(request.layoutPath);
    if (planHasErrors(plan)) {
      throw new AppError(
        'layout-invalid',
        `${plan.layoutPath} has errors; nothing was sent to the board.`,
        { errors: plan.problems.filter((p) => p.severity === 'error').length },
        'Open the layout to see each problem with its line and field.',
      );
    }
    const host = await this.deps.host.facts();
    const sessionId = randomUUID();
    const session: RunningSession = {
      view: {
        sessionId,
        layoutPath: plan.layoutPath,
        target: request.target,
        events: [],
        finished: null,
        journalPath: null,
      },
      abort: new AbortController(),
    };
    this.latest = session;
    this.deps.boards.setFlashingPort(request.target.portPath);
    const journal = await this.openJournal(sessionId);
    session.view.journalPath = journal?.filePath ?? null;
    const logEvent = logFlashEvents(this.deps.log, session.view.journalPath);
    const onEvent = (event: FlashEvent): void => {
      if (event.type !== 'partition-progress') session.view.events.push(event);
      journal?.write(event);
      logEvent(event);
      if (event.type === 'identity' && event.role === 'target')
        this.deps.boards.setFlashingPort(event.identity.portPath);
      this.deps.events.emit('flash.event', { sessionId, event });
    };
    const run = this.deps.runFlash(
      { bus: this.deps.bus, clock: this.deps.clock, host, appVersion: this.deps.appVersion, onEvent },
      {
        plan,
        target: request.target,
        timeouts: this.deps.timeouts(),
        signal: session.abort.signal,
        sessionId,
      },
    );
    void run
      .then(
        (result): FlashFinished => ({ sessionId, result, error: null }),
        (error: unknown): FlashFinished => ({ sessionId, result: null, error: toIpcError(error) }),
      )
      .then(async (finished) => {
        session.view.finished = finished;
        await journal?.close().catch(() => undefined);
        this.deps.boards.setFlashingPort(null);
        this.deps.log.write(finished.result?.ok ? 'info' : 'warn', 'flash finished', {
          sessionId,
          ok: finished.result?.ok ?? false,
          symptom: finished.result?.diagnosis?.symptom ?? null,
          error: finished.error?.code ?? null,
        });
        this.deps.events.emit('flash.finished', finished);
      });
    return { sessionId };
  }

  cancel(sessionId: string): { cancelled: boolean } {
    const session = this.latest;
    if (!session || session.view.sessionId !== sessionId || session.view.finished !== null)
      return { cancelled: false };
    session.abort.abort(new AppError('aborted', 'Cancelled by the user.'));
    return { cancelled: true };
  }

  /** Cancels a running session and waits (bounded) for it to end, so the bus can close cleanly. */
  async stop(): Promise<void> {
    const session = this.latest;
    if (!session || session.view.finished !== null) return;
    session.abort.abort(new AppError('aborted', 'The app is closing.'));
    const endMs = this.deps.clock.nowMs() + 5_000;
    while (session.view.finished === null && this.deps.clock.nowMs() < endMs) await this.deps.clock.sleep(50);
  }

  private async openJournal(sessionId: string): Promise<JournalWriter | null> {
    const dir = path.resolve(this.deps.journalDir());
    try {
      return await JournalWriter.create(dir, sessionId, this.deps.clock.wallNow());
    } catch (error) {
      // A journal is evidence, not a precondition: flash anyway and say so in the app log.
      this.deps.log.write('warn', 'session journal could not be opened', { dir, error: toIpcError(error) });
      return null;
    }
  }
}
