import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import type { BootStage, FlashEventBody, StageInfo, WaitAfter } from '../../shared/domain/flash-event.js';
import { AppError } from '../core/app-error.js';
import type { Clock } from '../core/clock.js';
import { abortedError } from '../core/clock.js';
import type { BusEvent, UsbBus } from '../transport/usb-transport.js';

export interface BoardTarget {
  portPath: string | null;
  serial: string | null;
}

export interface BoardFollowerDeps {
  bus: UsbBus;
  clock: Clock;
  classify: (identity: BoardIdentity) => StageInfo;
  emit: (event: FlashEventBody) => void;
}

interface Waiter {
  after: WaitAfter;
  expecting: readonly BootStage[];
  notConnectionId: string | null;
  resolve: (identity: BoardIdentity) => void;
  reject: (error: AppError) => void;
}

/**
 * Follows one physical board across its re-enumerations. The port path is the key; the serial is
 * checked on every return. Waits are driven by connect events (never by sleeping and polling), and
 * every identity on the bus — ours or not — goes into the event stream as evidence.
 */
export class BoardFollower {
  private unsubscribe: (() => void) | null = null;
  private waiter: Waiter | null = null;
  private present: BoardIdentity | null = null;
  private portPath: string | null;
  private serial: string | null;

  constructor(
    private readonly deps: BoardFollowerDeps,
    target: BoardTarget,
  ) {
    this.portPath = target.portPath;
    this.serial = target.serial;
  }

  get target(): BoardTarget {
    return { portPath: this.portPath, serial: this.serial };
  }

  /** The target's identity while it is on the bus, null between enumerations. */
  get current(): BoardIdentity | null {
    return this.present;
  }

  start(): void {
    this.unsubscribe ??= this.deps.bus.subscribe((event) => this.onBusEvent(event));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.waiter) {
      this.waiter.reject(new AppError('aborted', 'Stopped following the board.'));
      this.waiter = null;
    }
  }

  /**
   * Picks the target among the boards on the bus now, waiting up to `timeoutMs` for one to appear.
   * Without a port path or serial, exactly one ST DFU board must be present.
   */
  async findInitial(options: { timeoutMs: number; signal?: AbortSignal }): Promise<BoardIdentity> {
    const boards = await this.deps.bus.list({ timeoutMs: options.timeoutMs, signal: options.signal });
    const matching = boards.filter((b) => this.matchesTarget(b));
    if (matching.length > 1 && this.portPath === null) {
      throw new AppError(
        'ambiguous-target',
        `${matching.length} boards are in DFU mode: ${matching.map((b) => `${b.portPath} (serial ${b.serial ?? 'none'})`).join(', ')}.`,
        { boards: matching.map((b) => ({ portPath: b.portPath, serial: b.serial })) },
        'Choose one with --port <path> or --serial <sn> (see `stm32mp-flash list`).',
      );
    }
    const found = matching[0];
    if (found) {
      this.adopt(found);
      this.deps.emit({
        type: 'identity',
        change: 'connect',
        role: 'target',
        identity: found,
        info: this.deps.classify(found),
        serialNote: null,
      });
      return found;
    }
    return this.waitForStage({
      after: 'start',
      expecting: ['rom', 'tfa', 'uboot-layout', 'uboot-partitions'],
      timeoutMs: options.timeoutMs,
      notConnectionId: null,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /**
   * Waits for the target to enumerate as one of `expecting`, as a connection other than
   * `notConnectionId` (the one we just detached, which may still be on the bus for a moment).
   */
  waitForStage(options: {
    after: WaitAfter;
    expecting: readonly BootStage[];
    timeoutMs: number;
    notConnectionId: string | null;
    signal?: AbortSignal;
  }): Promise<BoardIdentity> {
    const { clock, emit } = this.deps;
    const startedMs = clock.nowMs();
    emit({
      type: 'wait-start',
      after: options.after,
      expecting: [...options.expecting],
      portPath: this.portPath,
      timeoutMs: options.timeoutMs,
      deadlineAt: new Date(clock.wallNow().getTime() + options.timeoutMs).toISOString(),
    });
    return new Promise<BoardIdentity>((resolve, reject) => {
      const finish = (
        result: Extract<FlashEventBody, { type: 'wait-end' }>['result'],
        identity: BoardIdentity | null,
      ): void => {
        cancelTimer();
        options.signal?.removeEventListener('abort', onAbort);
        this.waiter = null;
        emit({
          type: 'wait-end',
          after: options.after,
          result,
          elapsedMs: clock.nowMs() - startedMs,
          connectionId: identity?.connectionId ?? null,
        });
      };
      const onAbort = (): void => {
        finish('cancelled', null);
        reject(abortedError(options.signal));
      };
      const cancelTimer = clock.setTimer(() => {
        finish('timeout', null);
        reject(
          new AppError(
            'reenumeration-timeout',
            `Timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for the board (${options.expecting.join(' / ')}).`,
            { after: options.after, timeoutMs: options.timeoutMs, portPath: this.portPath },
          ),
        );
      }, options.timeoutMs);
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = {
        after: options.after,
        expecting: options.expecting,
        notConnectionId: options.notConnectionId,
        resolve: (identity) => {
          finish('arrived', identity);
          resolve(identity);
        },
        reject: (error) => {
          const result =
            error.code === 'wrong-board'
              ? 'wrong-board'
              : error.code === 'board-reset'
                ? 'board-reset'
                : 'cancelled';
          finish(result, null);
          reject(error);
        },
      };
      // The board may already have come back before we started waiting (fast re-enumeration).
      if (this.present && this.present.connectionId !== options.notConnectionId) this.offer(this.present);
    });
  }

  private matchesTarget(identity: BoardIdentity): boolean {
    if (this.portPath !== null) return identity.portPath === this.portPath;
    if (this.serial !== null) return identity.serial === this.serial;
    return true;
  }

  private adopt(identity: BoardIdentity): void {
    this.portPath = identity.portPath;
    this.serial ??= identity.serial;
    this.present = identity;
  }

  private onBusEvent(event: BusEvent): void {
    const { identity } = event;
    const isTarget =
      this.portPath !== null
        ? identity.portPath === this.portPath
        : this.serial !== null && identity.serial === this.serial;
    const info = this.deps.classify(identity);
    let serialNote: 'changed' | 'vanished' | null = null;
    if (isTarget && event.type === 'connect' && this.serial !== null) {
      if (identity.serial === null) serialNote = 'vanished';
      else if (identity.serial !== this.serial) serialNote = 'changed';
    }
    this.deps.emit({
      type: 'identity',
      change: event.type,
      role: isTarget ? 'target' : 'other',
      identity,
      info,
      serialNote,
    });
    if (!isTarget) return;
    if (event.type === 'disconnect') {
      if (this.present?.connectionId === identity.connectionId) this.present = null;
      return;
    }
    if (this.portPath === null) this.portPath = identity.portPath;
    this.present = identity;
    this.offer(identity);
  }

  private offer(identity: BoardIdentity): void {
    const waiter = this.waiter;
    if (!waiter || identity.connectionId === waiter.notConnectionId) return;
    if (this.serial !== null && identity.serial !== null && identity.serial !== this.serial) {
      waiter.reject(
        new AppError(
          'wrong-board',
          `The board on port ${identity.portPath} now has serial ${identity.serial}, not ${this.serial}. Nothing was written to it.`,
          { expectedSerial: this.serial, actualSerial: identity.serial, portPath: identity.portPath },
          'Check which board is plugged into this port; flash one board per port.',
        ),
      );
      return;
    }
    const stage = this.deps.classify(identity).stage;
    if (stage !== 'unknown' && waiter.expecting.includes(stage)) {
      this.serial ??= identity.serial;
      waiter.resolve(identity);
      return;
    }
    if (stage === 'rom') {
      waiter.reject(
        new AppError(
          'board-reset',
          `The board came back on port ${identity.portPath} as the ROM code: it rebooted instead of starting ${waiter.expecting.join(' / ')}.`,
          { portPath: identity.portPath, after: waiter.after },
        ),
      );
    }
    // Other stages (e.g. TF-A still leaving) are evidence only; keep waiting.
  }
}
