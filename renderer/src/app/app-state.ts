import type { FlashPlan } from '../../../shared/domain/flash-plan.js';
import type { AppInfo } from '../../../shared/ipc/app-channels.js';
import type { BoardsSnapshot, BusBoard, BusLogEntry } from '../../../shared/ipc/boards-channels.js';
import type { HostView } from '../../../shared/ipc/host-channels.js';
import type { IpcError } from '../../../shared/ipc/ipc-result.js';
import type { LayoutOpened } from '../../../shared/ipc/layout-channels.js';
import type { Settings } from '../../../shared/ipc/settings-channels.js';
import type { SimState } from '../../../shared/ipc/simulator-channels.js';
import {
  flashReducer,
  initialFlashState,
  type FlashAction,
  type FlashState,
} from '../flash/flash-reducer.js';

export interface LayoutState {
  path: string | null;
  plan: FlashPlan | null;
  recent: string[];
  loading: boolean;
  error: IpcError | null;
}

export interface AppState {
  info: AppInfo | null;
  boards: BusBoard[];
  busLog: BusLogEntry[];
  host: HostView | null;
  settings: Settings | null;
  sim: SimState | null;
  layout: LayoutState;
  /** The board to flash, by port path: the key that survives every re-enumeration. */
  selectedPort: string | null;
  flash: FlashState;
  /** The last action that failed, shown until dismissed. */
  notice: IpcError | null;
}

export type AppAction =
  | { type: 'info'; info: AppInfo }
  | { type: 'boards-snapshot'; snapshot: BoardsSnapshot }
  | { type: 'boards'; boards: BusBoard[] }
  | { type: 'bus-log'; entry: BusLogEntry }
  | { type: 'host'; host: HostView }
  | { type: 'settings'; settings: Settings }
  | { type: 'sim'; sim: SimState }
  | { type: 'layout-loading'; path: string }
  | { type: 'layout-opened'; opened: LayoutOpened }
  | { type: 'layout-failed'; path: string; error: IpcError }
  | { type: 'recent'; paths: string[] }
  | { type: 'select-board'; portPath: string | null }
  | { type: 'flash'; action: FlashAction }
  | { type: 'notice'; error: IpcError | null };

const BUS_LOG_LIMIT = 1000;

export const initialAppState: AppState = {
  info: null,
  boards: [],
  busLog: [],
  host: null,
  settings: null,
  sim: null,
  layout: { path: null, plan: null, recent: [], loading: false, error: null },
  selectedPort: null,
  flash: initialFlashState,
  notice: null,
};

export function appReducer(state: AppState, action: AppAction): AppState {
  switch (action.type) {
    case 'info':
      return { ...state, info: action.info };
    case 'boards-snapshot':
      return {
        ...state,
        boards: action.snapshot.boards,
        busLog: mergeLog(state.busLog, action.snapshot.log),
      };
    case 'boards':
      return { ...state, boards: action.boards };
    case 'bus-log':
      return { ...state, busLog: mergeLog(state.busLog, [action.entry]) };
    case 'host':
      return { ...state, host: action.host };
    case 'settings':
      return { ...state, settings: action.settings };
    case 'sim':
      return { ...state, sim: action.sim };
    case 'layout-loading':
      return { ...state, layout: { ...state.layout, path: action.path, loading: true, error: null } };
    case 'layout-opened':
      return {
        ...state,
        layout: {
          path: action.opened.plan.layoutPath,
          plan: action.opened.plan,
          recent: action.opened.recent,
          loading: false,
          error: null,
        },
      };
    case 'layout-failed':
      return {
        ...state,
        layout: { ...state.layout, path: action.path, plan: null, loading: false, error: action.error },
      };
    case 'recent':
      return { ...state, layout: { ...state.layout, recent: action.paths } };
    case 'select-board':
      return { ...state, selectedPort: action.portPath };
    case 'flash':
      return { ...state, flash: flashReducer(state.flash, action.action) };
    case 'notice':
      return { ...state, notice: action.error };
  }
}

/** Keeps the log ordered by sequence number without duplicates (a snapshot can overlap live events). */
function mergeLog(current: BusLogEntry[], incoming: BusLogEntry[]): BusLogEntry[] {
  const last = current[current.length - 1]?.seq ?? 0;
  const fresh = incoming.filter((e) => e.seq > last);
  if (fresh.length === 0) return current;
  const merged = [...current, ...fresh];
  return merged.length > BUS_LOG_LIMIT ? merged.slice(merged.length - BUS_LOG_LIMIT) : merged;
}

/** The port a flash would go to: the picked one, or the only board on the bus. */
export function effectiveTarget(state: Pick<AppState, 'selectedPort' | 'boards'>): string | null {
  if (state.selectedPort !== null) return state.selectedPort;
  return state.boards.length === 1 ? state.boards[0]!.identity.portPath : null;
}
