import { randomUUID } from 'node:crypto';
import type { HostFacts } from '../../shared/domain/host-facts.js';
import type {
  LockAction,
  PinCheckResult,
  PinnedFilesVerification,
  ShiftCounters,
  StationBlock,
  StationEvent,
  StationSnapshot,
  UnitRecord,
} from '../../shared/domain/station.js';
import { AppError, isAppError } from '../core/app-error.js';
import type { Clock } from '../core/clock.js';
import { stageInfoOf } from '../flash/stage-info.js';
import type { BusEvent, UsbBus } from '../transport/usb-transport.js';
import { describe, flashUnit } from './flash-unit.js';
import type { LoadedStationProfile } from './load-station-profile.js';
import { profileSummary } from './load-station-profile.js';
import type { PinLockPolicy } from './pin-lock.js';
import { PinLock } from './pin-lock.js';
import type { VerifiedPinnedFiles } from './pinned-files.js';
import { verifyPinnedFiles } from './pinned-files.js';
import type { PinBackoffRecord, StationRecordsOptions } from './records/station-records.js';
import { StationRecords } from './records/station-records.js';
import { countOutcome, emptyCounters } from './shift-counters.js';
import { VerificationGate } from './verification-gate.js';
import { refusalRecord, stationBlockOf } from './slot-rules.js';
import type { SlotRuntime } from './slot-table.js';
import { SlotTable } from './slot-table.js';

export { SAME_UNIT_WINDOW_MS } from './slot-rules.js';

export interface StationEngineDeps {
  bus: UsbBus;
  clock: Clock;
  host: HostFacts;
  appVersion: string;
  /** The app log (electron-log in the kiosk, stderr in the CLI); the records keep the audit trail. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Tests and special set-ups: the records lock's pid and liveness check, the write timeout. */
  records?: Partial<Pick<StationRecordsOptions, 'pid' | 'isProcessAlive' | 'writeTimeoutMs'>>;
  pinLockPolicy?: PinLockPolicy;
}

export interface StartResult {
  /** Labels of the slots whose unit was started. */
  started: string[];
  /** Why nothing was started, when the station refused (files changed, records unwritable). */
  blocked: StationBlock | null;
}

/**
 * Production operator mode without a window: watches the bus, keeps one card per slot of the
 * profile, flashes the slots in parallel (one flash session per slot, following that slot's port
 * path, never touching another port), re-hashes the pinned files before every round, writes a record
 * per unit, and keeps the shift counters. The kiosk GUI and `stm32mp-flash station` both drive it.
 */
export class StationEngine {
  private readonly table: SlotTable;
  private readonly listeners = new Set<(event: StationEvent) => void>();
  private readonly runs = new Set<Promise<void>>();
  private readonly lock: PinLock;
  private readonly gate: VerificationGate<VerifiedPinnedFiles>;
  private readonly closing = new AbortController();
  private unsubscribe: (() => void) | null = null;
  private blocked: StationBlock | null = null;

  private constructor(
    private readonly deps: StationEngineDeps,
    private readonly loaded: LoadedStationProfile,
    private readonly records: StationRecords,
    private counters: ShiftCounters,
    private lastVerification: PinnedFilesVerification,
    pinBackoff: PinBackoffRecord | null,
  ) {
    this.table = new SlotTable({
      loaded,
      clock: deps.clock,
      emit: (event) => this.emit(event),
      log: (level, message) => this.log(level, message),
      onReady: (slot) => {
        if (this.loaded.profile.autoStart)
          this.startUnits([slot]).catch((error: unknown) => this.log('error', describe(error)));
      },
      onRefused: (slot, refused, identity, info) =>
        this.recordRefusal(
          refusalRecord(refused, {
            slot: slot.label,
            portPath: slot.portPath,
            identity,
            info,
            at: this.deps.clock.wallNow().toISOString(),
            station: this.records.station,
            appVersion: this.deps.appVersion,
            layoutSha256: this.lastVerification.layoutSha256,
            loaded: this.loaded,
          }),
        ),
    });
    this.lock = new PinLock(
      loaded.profile.adminPin,
      deps.clock,
      (attempt) => {
        const event =
          attempt.outcome === 'accepted'
            ? 'pin-accepted'
            : attempt.outcome === 'refused'
              ? 'pin-refused'
              : 'pin-locked-out';
        const detail = `consecutive failures ${attempt.failures}, retry after ${attempt.retryAfterMs} ms`;
        if (attempt.outcome !== 'accepted')
          this.log('warn', `admin PIN ${attempt.outcome} (${attempt.action}): ${detail}`);
        this.records
          .audit(event, attempt.action, detail, {
            failures: attempt.failures,
            retryAfterMs: attempt.retryAfterMs,
          })
          .catch((error: unknown) => this.log('error', describe(error)));
      },
      deps.pinLockPolicy,
      pinBackoff && {
        failures: pinBackoff.failures,
        retryAfterMs: pinBackoff.lockedUntilWallMs - deps.clock.wallNow().getTime(),
      },
    );
    if (pinBackoff)
      this.log(
        'warn',
        `admin PIN: ${pinBackoff.failures} wrong in a row before this start (from the records); the back-off carries on`,
      );
    this.gate = new VerificationGate(() =>
      verifyPinnedFiles(this.loaded, { clock: this.deps.clock, signal: this.closing.signal }),
    );
  }

  /**
   * Opens the records (taking the folder's lock, turning units left in flight by the last run into
   * `interrupted` records) and verifies the pinned files once: an edited profile is refused here,
   * before any board is looked at. Call start() to watch the bus.
   */
  static async open(deps: StationEngineDeps, loaded: LoadedStationProfile): Promise<StationEngine> {
    const opened = await StationRecords.open(loaded.recordsDir, {
      clock: deps.clock,
      station: deps.host.hostname,
      ...deps.records,
    });
    const { records } = opened;
    try {
      for (const problem of opened.problems)
        deps.log?.('warn', `station records line ${problem.line} is not a record; skipped`);
      for (const unit of opened.recovered)
        deps.log?.(
          'warn',
          `unit ${unit.unitId} (slot ${unit.slot}) was in flight when the station stopped: recorded as interrupted`,
        );
      let verified: VerifiedPinnedFiles;
      try {
        verified = await verifyPinnedFiles(loaded, { clock: deps.clock });
      } catch (error) {
        await records.audit('files-changed', null, describe(error)).catch(() => undefined);
        throw error;
      }
      await records.audit(
        'station-started',
        null,
        `profile ${loaded.profile.name} sha256 ${loaded.profileSha256}`,
      );
      return new StationEngine(
        deps,
        loaded,
        records,
        opened.counters,
        verified.verification,
        opened.pinBackoff,
      );
    } catch (error) {
      await records.close();
      throw error;
    }
  }

  /** Watches the bus: subscribes first, then lists, so a board plugged in between is not missed. */
  async start(): Promise<void> {
    this.unsubscribe ??= this.deps.bus.subscribe((event) => this.onBusEvent(event));
    const boards = await this.deps.bus.list({
      timeoutMs: this.loaded.timeouts.controlMs,
      signal: this.closing.signal,
    });
    for (const identity of boards) this.onBusEvent({ type: 'connect', identity });
  }

  private onBusEvent(event: BusEvent): void {
    if (!this.closing.signal.aborted) this.table.onBusEvent(event);
  }

  snapshot(): StationSnapshot {
    return {
      profile: profileSummary(this.loaded),
      slots: this.table.slots.map((slot) => this.table.card(slot)),
      counters: { ...this.counters },
      unassigned: this.table.unassigned.list(),
      blocked: this.blocked,
      lastVerification: this.lastVerification,
    };
  }

  subscribe(listener: (event: StationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts every ready slot in one round: one re-hash of the pinned files, then all in parallel. */
  startAll(): Promise<StartResult> {
    return this.startUnits(this.table.slots.filter((slot) => slot.status.state === 'ready'));
  }

  /** Starts one slot: a ready one, or a finished one whose board is still there (a deliberate retry). */
  startSlot(label: string): Promise<StartResult> {
    const slot = this.table.find(label);
    if (!slot)
      return Promise.reject(new AppError('bad-input', `This station has no slot ${label}.`, { label }));
    const state = slot.status.state;
    const retry = (state === 'pass' || state === 'fail') && slot.identity !== null;
    return this.startUnits(state === 'ready' || retry ? [slot] : []);
  }

  /** `{ ok: false, retryAfterMs }` also while the back-off runs (the PIN is not even checked then). */
  verifyPin(pin: string): Promise<PinCheckResult> {
    return this.authorize('check', pin);
  }

  /** Checks the PIN for an action behind the lock; every attempt is logged in the records. */
  async authorize(action: LockAction, pin: string): Promise<PinCheckResult> {
    const result = await this.lock.verify(pin, action);
    this.emit({ type: 'pin', action, result });
    return result;
  }

  async clearCounters(pin: string): Promise<PinCheckResult> {
    const result = await this.authorize('clear-counters', pin);
    if (!result.ok) return result;
    const at = this.deps.clock.wallNow().toISOString();
    await this.records.audit('counters-cleared', 'clear-counters', null);
    this.counters = emptyCounters(at);
    this.emit({ type: 'counters', counters: { ...this.counters } });
    return result;
  }

  /** True while any slot verifies or flashes: the kiosk should not leave operator mode then. */
  isBusy(): boolean {
    return this.table.slots.some((slot) => slot.status.state === 'flashing');
  }

  /** Resolves when no slot is flashing (including units started while waiting). */
  async whenIdle(): Promise<void> {
    while (this.runs.size > 0) await Promise.allSettled([...this.runs]);
  }

  /** Cancels units in flight (recorded as cancelled), stops watching, releases the records. */
  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort(new AppError('aborted', 'The station is closing.'));
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const slot of this.table.slots)
      slot.abort?.abort(new AppError('aborted', 'The station is closing.'));
    await this.whenIdle();
    await this.records.audit('station-stopped', null, null).catch(() => undefined);
    await this.records.close();
    this.listeners.clear();
  }

  // ---- rounds and units ----

  /** Tracked with the runs, so whenIdle() also waits for a start still re-hashing the files. */
  private startUnits(candidates: SlotRuntime[]): Promise<StartResult> {
    const start = this.verifyAndStart(candidates);
    const tracked = start.then(
      () => undefined,
      () => undefined,
    );
    this.runs.add(tracked);
    void tracked.finally(() => this.runs.delete(tracked));
    return start;
  }

  private async verifyAndStart(candidates: SlotRuntime[]): Promise<StartResult> {
    const slots = candidates.filter((slot) => slot.identity !== null);
    if (slots.length === 0 || this.closing.signal.aborted) return { started: [], blocked: this.blocked };
    const startedAt = this.deps.clock.wallNow().toISOString();
    for (const slot of slots) this.table.beginUnit(slot, randomUUID(), startedAt);
    let verified: VerifiedPinnedFiles;
    try {
      verified = await this.gate.verify();
    } catch (error) {
      this.setBlocked(error);
      if (isAppError(error, 'station-file-changed'))
        this.records.audit('files-changed', null, describe(error)).catch(() => undefined);
      for (const slot of slots) this.table.backToWaiting(slot);
      return { started: [], blocked: this.blocked };
    }
    if (this.closing.signal.aborted) {
      for (const slot of slots) this.table.backToWaiting(slot);
      return { started: [], blocked: this.blocked };
    }
    this.setBlocked(null);
    this.lastVerification = verified.verification;
    this.emit({ type: 'verified', verification: verified.verification });
    const started: string[] = [];
    slots.forEach((slot, index) => {
      if (slot.status.state !== 'flashing') return;
      started.push(slot.label);
      const run = this.runUnit(slot, verified, index).catch((error: unknown) => {
        this.log('error', `slot ${slot.label}: ${describe(error)}`);
      });
      this.runs.add(run);
      void run.finally(() => this.runs.delete(run));
    });
    return { started, blocked: null };
  }

  private async runUnit(slot: SlotRuntime, verified: VerifiedPinnedFiles, index: number): Promise<void> {
    if (slot.status.state !== 'flashing') return;
    const unitId = slot.status.unitId;
    const abort = new AbortController();
    slot.abort = abort;
    const onClosing = (): void => abort.abort(this.closing.signal.reason);
    this.closing.signal.addEventListener('abort', onClosing, { once: true });
    try {
      const staggerMs = index * this.loaded.profile.startStaggerMs;
      if (staggerMs > 0) {
        this.table.progress(slot, { stage: 'waiting' });
        try {
          await this.deps.clock.sleep(staggerMs, abort.signal);
        } catch {
          this.table.backToWaiting(slot);
          return;
        }
      }
      const identity = slot.identity;
      if (!identity) {
        // taken out before it started: nothing was sent, so there is no unit to record
        this.table.backToWaiting(slot);
        return;
      }
      const outcome = await flashUnit(
        {
          bus: this.deps.bus,
          clock: this.deps.clock,
          host: this.deps.host,
          appVersion: this.deps.appVersion,
          records: this.records,
          profileName: this.loaded.profile.name,
          profileSha256: this.loaded.profileSha256,
          layoutSha256: verified.verification.layoutSha256,
          plan: verified.plan,
          timeouts: this.loaded.timeouts,
          warn: (message) => this.log('warn', message),
        },
        {
          unitId,
          slot: slot.label,
          portPath: slot.portPath,
          serial: identity.serial,
          soc: stageInfoOf(identity).soc,
          signal: abort.signal,
          onProgress: (progress) => this.table.progress(slot, progress),
        },
      );
      if (outcome.kind === 'not-started') {
        this.setBlocked(outcome.error);
        this.table.backToWaiting(slot);
        return;
      }
      if (outcome.recordError) this.setBlocked(outcome.recordError);
      this.table.finish(slot, outcome.record);
      this.count(outcome.record);
    } finally {
      slot.abort = null;
      this.closing.signal.removeEventListener('abort', onClosing);
    }
  }

  private recordRefusal(record: UnitRecord): void {
    this.log('info', `slot ${record.slot}: ${record.message}`);
    this.records.append(record).then(
      () => this.count(record),
      (error: unknown) => this.setBlocked(error),
    );
  }

  private count(record: UnitRecord): void {
    this.counters = countOutcome(this.counters, record.outcome);
    this.emit({ type: 'counters', counters: { ...this.counters } });
    this.emit({ type: 'unit-recorded', record });
  }

  private setBlocked(error: unknown): void {
    const blocked = error === null ? null : stationBlockOf(error, this.deps.clock.wallNow().toISOString());
    if (blocked === null && this.blocked === null) return;
    if (blocked) this.log('error', `station blocked: ${blocked.message}`);
    this.blocked = blocked;
    this.emit({ type: 'blocked', blocked });
  }

  // ---- output ----

  private emit(event: StationEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // a listener's failure (a closed window) must not stop the station
        this.log('error', `station listener failed: ${describe(error)}`);
      }
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.deps.log?.(level, message);
  }
}
