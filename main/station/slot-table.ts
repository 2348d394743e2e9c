import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import { ST_DFU_PID, ST_VID } from '../../shared/domain/board-identity.js';
import type { StageInfo } from '../../shared/domain/flash-event.js';
import type {
  SlotBoard,
  SlotCard,
  SlotStatus,
  StationEvent,
  UnitRecord,
} from '../../shared/domain/station.js';
import type { Clock } from '../core/clock.js';
import { stageInfoOf } from '../flash/stage-info.js';
import type { BusEvent } from '../transport/usb-transport.js';
import type { LoadedStationProfile } from './load-station-profile.js';
import type { LastUnit } from './slot-rules.js';
import { boardOf, isSameUnit, refusalFor, refusedStatus } from './slot-rules.js';
import { UnassignedPorts } from './unassigned-ports.js';
import type { UnitProgress } from './unit-progress.js';

export interface SlotRuntime {
  label: string;
  portPath: string;
  status: SlotStatus;
  board: SlotBoard | null;
  /** The enumeration on the port now; null between enumerations and when empty. */
  identity: BoardIdentity | null;
  lastUnit: LastUnit | null;
  abort: AbortController | null;
}

export interface SlotTableDeps {
  loaded: LoadedStationProfile;
  clock: Clock;
  emit: (event: StationEvent) => void;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** A new unit is ready in this slot (auto-start hooks in here). */
  onReady: (slot: SlotRuntime) => void;
  /** A board was refused on arrival; it is never opened. */
  onRefused: (
    slot: SlotRuntime,
    refused: Extract<SlotStatus, { state: 'refused' }>,
    identity: BoardIdentity,
    info: StageInfo,
  ) => void;
}

/**
 * What is in the jig: one runtime per slot, driven by bus events. The port path is the key: a board
 * on a slot's port belongs to that slot whatever it is; a board elsewhere is an unassigned-port
 * notice. While a slot flashes, its board's re-enumerations only update the card (the flash session
 * follows the board itself).
 */
export class SlotTable {
  readonly slots: SlotRuntime[];
  readonly unassigned: UnassignedPorts;
  private readonly byPort: Map<string, SlotRuntime>;

  constructor(private readonly deps: SlotTableDeps) {
    this.slots = deps.loaded.profile.slots.map((slot) => ({
      label: slot.label,
      portPath: slot.portPath,
      status: { state: 'empty' },
      board: null,
      identity: null,
      lastUnit: null,
      abort: null,
    }));
    this.byPort = new Map(this.slots.map((slot) => [slot.portPath, slot]));
    this.unassigned = new UnassignedPorts(deps.loaded.profile.soc);
  }

  find(label: string): SlotRuntime | undefined {
    return this.slots.find((slot) => slot.label === label);
  }

  onBusEvent(event: BusEvent): void {
    const { identity } = event;
    if (identity.vid !== ST_VID || identity.pid !== ST_DFU_PID) return;
    const slot = this.byPort.get(identity.portPath);
    if (!slot) this.noteUnassigned(event);
    else if (event.type === 'connect') this.arrive(slot, identity);
    else this.leave(slot, identity);
  }

  card(slot: SlotRuntime): SlotCard {
    return {
      label: slot.label,
      portPath: slot.portPath,
      board: slot.board ? { ...slot.board } : null,
      ...slot.status,
    };
  }

  changed(slot: SlotRuntime): void {
    this.deps.emit({ type: 'slot', slot: this.card(slot) });
  }

  /** Flashing from now on, first re-hashing the pinned files. */
  beginUnit(slot: SlotRuntime, unitId: string, startedAt: string): void {
    slot.status = { state: 'flashing', unitId, startedAt, stage: 'verifying', percent: 0, partition: null };
    this.changed(slot);
  }

  progress(slot: SlotRuntime, progress: Pick<UnitProgress, 'stage'> & Partial<UnitProgress>): void {
    if (slot.status.state !== 'flashing') return;
    slot.status = {
      ...slot.status,
      stage: progress.stage,
      percent: progress.percent ?? slot.status.percent,
      partition: progress.partition ?? slot.status.partition,
    };
    this.changed(slot);
  }

  /** A start that did not happen (nothing was sent): ready again if the board is still there. */
  backToWaiting(slot: SlotRuntime): void {
    if (slot.status.state !== 'flashing') return;
    slot.status = slot.identity ? { state: 'ready' } : { state: 'empty' };
    if (!slot.identity) slot.board = null;
    this.changed(slot);
  }

  finish(slot: SlotRuntime, record: UnitRecord): void {
    const outcome =
      record.outcome === 'pass' ? 'pass' : record.outcome === 'cancelled' ? 'cancelled' : 'fail';
    slot.status = {
      state: outcome === 'pass' ? 'pass' : 'fail',
      result: {
        unitId: record.unitId,
        outcome,
        symptom: record.symptom,
        sentence: record.message,
        serial: record.serial,
        durationMs: record.durationMs ?? 0,
        endedAt: record.endedAt,
        journalPath: record.journalPath,
      },
    };
    slot.lastUnit = { serial: record.serial, endedAtMs: this.deps.clock.nowMs() };
    if (slot.identity) slot.board = boardOf(slot.identity, stageInfoOf(slot.identity));
    else if (slot.board) slot.board = { ...slot.board, present: false };
    this.changed(slot);
  }

  private arrive(slot: SlotRuntime, identity: BoardIdentity): void {
    if (slot.identity?.connectionId === identity.connectionId) return;
    const info = stageInfoOf(identity);
    slot.identity = identity;
    const state = slot.status.state;
    if (state === 'flashing') {
      // the unit re-enumerating: its session follows it; the card keeps the serial it started with
      slot.board = { ...boardOf(identity, info), serial: slot.board?.serial ?? identity.serial };
      this.changed(slot);
      return;
    }
    slot.board = boardOf(identity, info);
    const finished = state === 'pass' || state === 'fail';
    if (finished && isSameUnit(slot.lastUnit, identity, this.deps.clock.nowMs())) {
      this.changed(slot);
      return;
    }
    const refusal = refusalFor(identity, info, this.deps.loaded);
    if (refusal) {
      const refused = refusedStatus(refusal, identity, info, this.deps.loaded);
      slot.status = refused;
      this.changed(slot);
      this.deps.onRefused(slot, refused, identity, info);
      return;
    }
    slot.status = { state: 'ready' };
    this.changed(slot);
    this.deps.onReady(slot);
  }

  private leave(slot: SlotRuntime, identity: BoardIdentity): void {
    if (slot.identity?.connectionId !== identity.connectionId) return;
    slot.identity = null;
    const state = slot.status.state;
    if (state === 'ready' || state === 'refused') {
      slot.status = { state: 'empty' };
      slot.board = null;
    } else if (slot.board) {
      // a finished unit taken out keeps its result on the card until the next one arrives
      slot.board = { ...slot.board, present: false };
    }
    this.changed(slot);
  }

  private noteUnassigned(event: BusEvent): void {
    const change = this.unassigned.apply(event);
    if (change === null) return;
    if (change !== 'removed') this.deps.log('info', change.sentence);
    this.deps.emit({ type: 'unassigned', unassigned: this.unassigned.list() });
  }
}
