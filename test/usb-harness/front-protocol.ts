import type {
  BoardEvent,
  BoardStatus,
  InvariantViolation,
  ScenarioInput,
  SimPartitionInfo,
  SimSoc,
  SimStage,
} from '../../main/sim/index.js';

/** What the case runner and the board front daemon say to each other over the IPC channel. */
export interface FrontOptions {
  soc: SimSoc;
  scenario?: ScenarioInput | ScenarioInput[];
  serial?: string;
  /** Model time → real time; 1 = the board's delays at real speed. */
  timeScale?: number;
  gadgetName?: string;
  udc?: string;
  trace?: boolean;
}

export type FrontRequest =
  | { type: 'report'; id: number }
  | { type: 'verify-layout'; id: number; layoutPath: string }
  | { type: 'unplug'; id: number }
  | { type: 'plug'; id: number }
  | { type: 'stop'; id: number };

export interface FrontCounters {
  setups: number;
  controlIn: number;
  controlOut: number;
  stalls: number;
  /** The board stalled an OUT whose data stage had already completed (not representable, see README). */
  stallsAfterData: number;
  alternateRelays: number;
  resetRelays: number;
  ioErrors: number;
  boardErrors: number;
}

/** One enumeration the front put on the bus, with the board's own descriptor bytes (hex). */
export interface Presentation {
  connectionId: string;
  stage: string;
  product: string | null;
  serial: string | null;
  alts: (string | null)[];
  connectAtMs: number;
  boundAtMs: number | null;
  withdrawnAtMs: number | null;
  simDevice: string;
  simConfiguration: string;
  simStrings: Record<string, string | null>;
}

export interface ReceivedSummary {
  stage: SimStage;
  phaseId: number;
  altIndex: number;
  bytes: number;
  sha256: string;
  accepted: boolean;
  verdict: string | null;
  connectionId: string;
}

export interface FrontReport {
  label: string;
  soc: SimSoc;
  serial: string;
  status: BoardStatus;
  counters: FrontCounters;
  presentations: Presentation[];
  notes: string[];
  violations: InvariantViolation[];
  received: ReceivedSummary[];
  partitions: SimPartitionInfo[];
  history: readonly BoardEvent[];
  console: readonly { atMs: number; text: string }[];
  /** "<stage> <request> <outcome>" → count, from the board's transfer log. */
  requests: Record<string, number>;
  transfers: number;
}

export interface PartitionCheck {
  phaseId: number;
  name: string;
  /** Where the board kept it: a partition on a medium, or an image received into RAM by ROM/TF-A. */
  kind: 'partition' | 'ram-image';
  file: string;
  expectedBytes: number;
  receivedBytes: number | null;
  equal: boolean;
  firstDifferenceAt: number | null;
  completed: boolean | null;
}
