import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import type { StageInfo } from '../../shared/domain/flash-event.js';
import type { BoardsSnapshot, BusBoard, BusLogEntry } from '../../shared/ipc/boards-channels.js';
import type { Clock } from '../core/clock.js';
import type { BusEvent, UsbBus } from '../transport/usb-transport.js';
import type { AppEventHub } from './app-events.js';

export interface BoardWatcherDeps {
  bus: UsbBus;
  clock: Clock;
  events: AppEventHub;
  classify: (identity: BoardIdentity) => StageInfo;
  /** Entries kept for a window that opens late. */
  logLimit?: number;
  /** A port that comes back within this long after it left is the same board re-enumerating. */
  reenumerationWindowMs?: number;
}

interface Departure {
  stage: StageInfo['stage'];
  serial: string | null;
  atMs: number;
}

/**
 * Every board on the bus, live, whether or not a flash follows it, and the enumeration log a bench
 * engineer reads when a board "does nothing": each arrival, departure and change of identity.
 */
export class BoardWatcher {
  private readonly present = new Map<string, { identity: BoardIdentity; info: StageInfo }>();
  private readonly departures = new Map<string, Departure>();
  private readonly log: BusLogEntry[] = [];
  private readonly startMs: number;
  private seq = 0;
  private flashingPort: string | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: BoardWatcherDeps) {
    this.startMs = deps.clock.nowMs();
  }

  /** Subscribes first, then lists, so nothing that arrives in between is missed. */
  async start(): Promise<void> {
    this.unsubscribe ??= this.deps.bus.subscribe((event) => this.onBusEvent(event));
    const identities = await this.deps.bus.list({ timeoutMs: 5_000 });
    for (const identity of identities) this.arrive(identity);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  snapshot(): BoardsSnapshot {
    return { boards: this.boards(), log: [...this.log] };
  }

  /** Marks the port a flash session follows (null when none). */
  setFlashingPort(portPath: string | null): void {
    if (this.flashingPort === portPath) return;
    this.flashingPort = portPath;
    this.deps.events.emit('boards.changed', { boards: this.boards() });
  }

  private boards(): BusBoard[] {
    return [...this.present.values()]
      .map(({ identity, info }) => ({ identity, info, flashing: identity.portPath === this.flashingPort }))
      .sort((a, b) => a.identity.portPath.localeCompare(b.identity.portPath, 'en', { numeric: true }));
  }

  private onBusEvent(event: BusEvent): void {
    if (event.type === 'connect') this.arrive(event.identity);
    else this.leave(event.identity);
  }

  private arrive(identity: BoardIdentity): void {
    if (this.present.has(identity.connectionId)) return;
    const info = this.deps.classify(identity);
    this.present.set(identity.connectionId, { identity, info });
    const nowMs = this.deps.clock.nowMs();
    const before = this.departures.get(identity.portPath);
    const windowMs = this.deps.reenumerationWindowMs ?? 120_000;
    const change =
      before && nowMs - before.atMs <= windowMs
        ? {
            fromStage: before.stage,
            gapMs: Math.round(nowMs - before.atMs),
            serial: serialChange(before.serial, identity.serial),
          }
        : null;
    this.departures.delete(identity.portPath);
    this.append(change ? 'identity' : 'attach', identity, info, change);
    this.deps.events.emit('boards.changed', { boards: this.boards() });
  }

  private leave(identity: BoardIdentity): void {
    const entry = this.present.get(identity.connectionId);
    this.present.delete(identity.connectionId);
    const info = entry?.info ?? this.deps.classify(identity);
    this.departures.set(identity.portPath, {
      stage: info.stage,
      serial: identity.serial,
      atMs: this.deps.clock.nowMs(),
    });
    this.append('detach', entry?.identity ?? identity, info, null);
    this.deps.events.emit('boards.changed', { boards: this.boards() });
  }

  private append(
    kind: BusLogEntry['kind'],
    identity: BoardIdentity,
    info: StageInfo,
    change: BusLogEntry['change'],
  ): void {
    const entry: BusLogEntry = {
      seq: ++this.seq,
      kind,
      at: this.deps.clock.wallNow().toISOString(),
      tMs: Math.round(this.deps.clock.nowMs() - this.startMs),
      identity,
      info,
      change,
    };
    this.log.push(entry);
    const limit = this.deps.logLimit ?? 500;
    if (this.log.length > limit) this.log.splice(0, this.log.length - limit);
    this.deps.events.emit('boards.log', entry);
  }
}

function serialChange(
  before: string | null,
  now: string | null,
): 'same' | 'changed' | 'vanished' | 'appeared' {
  if (before === now) return 'same';
  if (now === null) return 'vanished';
  if (before === null) return 'appeared';
  return 'changed';
}
