import type { DescriptorSet } from './descriptors.js';
import type { InvariantRule } from './invariants.js';
import type { SocProfile } from './soc-profiles.js';
import type { TimingModel } from './timing-model.js';
import type { FaultPlan } from './fault-scenarios.js';

/** Which firmware answers on USB (the four enumerations of §1.2). */
export type SimStage = 'rom' | 'tfa' | 'uboot-layout' | 'uboot-flash';

/** One class request as the device's ep0 handler sees it. */
export interface StageRequest {
  direction: 'in' | 'out';
  request: number;
  value: number;
  index: number;
  /** IN: the host's wLength. OUT: the payload length. */
  wLength: number;
  data: Uint8Array;
}

export type StageReply =
  | { kind: 'data'; data: Uint8Array }
  | { kind: 'ack' }
  | { kind: 'stall' }
  /** Nobody services ep0 any more (a crashed firmware): the host times out. */
  | { kind: 'hang' };

export interface StageOutcome {
  reply: StageReply;
  /** Device time spent before the status stage (a buffer drain, §3.2), on top of the wire time. */
  extraServiceMs?: number;
  /** Device time after the reply during which the next request waits (the deferred flush, §3.2). */
  busyAfterMs?: number;
}

/** What a stage tells the board; the board acts on it after the reply has been delivered. */
export type StageSignal =
  | { type: 'rom-start-fsbl' }
  | { type: 'detach' }
  | { type: 'gadget-exit'; reset: boolean; reason: string }
  | { type: 'jump'; address: number };

export interface ReceivedImage {
  stage: SimStage;
  phaseId: number;
  altIndex: number;
  bytes: Uint8Array;
  /** Whether the stage accepted it (header / TOC / parse check). */
  accepted: boolean;
  verdict: string | null;
  atMs: number;
  connectionId: string;
}

export interface StageEnv {
  readonly profile: SocProfile;
  readonly timing: TimingModel;
  readonly faults: FaultPlan;
  nowMs(): number;
  /** The board's simulated UART. */
  console(line: string): void;
  violation(rule: InvariantRule, message: string): void;
  received(image: Omit<ReceivedImage, 'atMs' | 'connectionId' | 'stage'>): void;
  signal(signal: StageSignal): void;
}

export interface DfuStage {
  readonly stage: SimStage;
  descriptors(): DescriptorSet;
  dfuState(): number;
  currentAlt(): number;
  handle(request: StageRequest): StageOutcome;
  /** SET_INTERFACE; 'stall' for an alternate that does not exist. */
  selectAlternate(alt: number): 'ok' | 'stall';
  /** A USB bus reset that does not end the stage (the board handles the cases that do). */
  usbReset(): void;
}

export function dataReply(data: Uint8Array): StageOutcome {
  return { reply: { kind: 'data', data } };
}

export const ACK: StageOutcome = { reply: { kind: 'ack' } };
export const STALL: StageOutcome = { reply: { kind: 'stall' } };
