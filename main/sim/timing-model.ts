import type { MediumKind } from './storage-devices.js';

/**
 * How long things take on a simulated board. Every number is a model parameter in model milliseconds;
 * `timeScale` maps model time to the injected clock (0 = no waiting at all, 1 = real speed). With a
 * VirtualClock and timeScale 1, a whole flash keeps realistic timestamps yet runs in milliseconds.
 * Sources are the §1.3 timing table and the forum logs it cites; the rest are stated assumptions.
 */
export interface MediaRates {
  writeBytesPerSec: number;
  eraseBytesPerSec: number;
  readBytesPerSec: number;
}

export interface TimingModel {
  timeScale: number;
  /** ± fraction applied to enumeration and boot delays, drawn from the board's seeded generator. */
  jitterFraction: number;
  /** Fixed cost of one control transfer (setup, status stage, host scheduling). */
  controlOverheadMs: number;
  /** Payload rate on ep0 at high speed. */
  usbBytesPerSec: number;
  /** Power-on or reset → the ROM is on the bus. */
  romEnumerationMs: number;
  /** MP15: the ROM jumped; TF-A answers the next request after this (no re-enumeration, §1.2). */
  romTfaStartMs: number;
  /** MP13/MP25: DETACH to the ROM → TF-A enumerated; "< 1 s" (§1.3, F2). */
  romToTfaEnumerationMs: number;
  /** TF-A soft-disconnects about 100 µs after DETACH (§1.3, T2). */
  tfaDetachDisconnectMs: number;
  /** MP25: DDR-FIP DETACH → DDR init → TF-A back for phase 0x03 ("about 1 s", §9.2). */
  tfaDdrInitMs: number;
  /** TF-A DETACH → U-Boot enumerated; "about 3.0 s" on MP15 (§1.3, F3). */
  tfaToUbootEnumerationMs: number;
  /** U-Boot leaves the bus 10 000 poll iterations after DETACH (S7); the time is an assumption. */
  ubootDetachDisconnectMs: number;
  /** Device probe before the 2nd enumeration, plus erase time from the media rates (§5.4). */
  ubootDeviceProbeMs: number;
  /** One `gpt write` per fully updated MMC. */
  ubootGptWriteMs: number;
  /** Layout parse in the deferred flush. */
  ubootLayoutParseMs: number;
  /** End-of-phase hooks (boot partition switch, NAND FSBL copies) (§5.5). */
  ubootPhaseHookMs: number;
  /** Board reset → ROM on the bus again ("a second or so", §7 #8). */
  boardResetToRomMs: number;
  media: Record<MediumKind, MediaRates>;
}

export const DEFAULT_TIMING: Readonly<TimingModel> = {
  timeScale: 1,
  jitterFraction: 0,
  controlOverheadMs: 0.5,
  usbBytesPerSec: 30e6,
  romEnumerationMs: 300,
  romTfaStartMs: 150,
  romToTfaEnumerationMs: 600,
  tfaDetachDisconnectMs: 0.1,
  tfaDdrInitMs: 1000,
  tfaToUbootEnumerationMs: 3000,
  ubootDetachDisconnectMs: 20,
  ubootDeviceProbeMs: 400,
  ubootGptWriteMs: 50,
  ubootLayoutParseMs: 5,
  ubootPhaseHookMs: 10,
  boardResetToRomMs: 1200,
  media: {
    mmc: { writeBytesPerSec: 20e6, eraseBytesPerSec: 1e9, readBytesPerSec: 40e6 },
    nor: { writeBytesPerSec: 1e6, eraseBytesPerSec: 0.5e6, readBytesPerSec: 20e6 },
    nand: { writeBytesPerSec: 8e6, eraseBytesPerSec: 100e6, readBytesPerSec: 20e6 },
    'spi-nand': { writeBytesPerSec: 4e6, eraseBytesPerSec: 50e6, readBytesPerSec: 15e6 },
    ram: { writeBytesPerSec: 1e9, eraseBytesPerSec: 1e9, readBytesPerSec: 1e9 },
  },
};

export type TimingOverrides = Partial<Omit<TimingModel, 'media'>> & {
  media?: Partial<Record<MediumKind, Partial<MediaRates>>>;
};

export function resolveTiming(overrides: TimingOverrides = {}): TimingModel {
  const media = { ...DEFAULT_TIMING.media };
  for (const [kind, rates] of Object.entries(overrides.media ?? {}) as [MediumKind, Partial<MediaRates>][]) {
    media[kind] = { ...media[kind], ...rates };
  }
  return { ...DEFAULT_TIMING, ...overrides, media };
}

/** One control transfer carrying `bytes` of payload. */
export function controlTransferMs(timing: TimingModel, bytes: number): number {
  return timing.controlOverheadMs + (bytes / timing.usbBytesPerSec) * 1000;
}

export function mediaWriteMs(timing: TimingModel, medium: MediumKind, bytes: number): number {
  return (bytes / timing.media[medium].writeBytesPerSec) * 1000;
}

export function mediaEraseMs(timing: TimingModel, medium: MediumKind, bytes: number): number {
  return (bytes / timing.media[medium].eraseBytesPerSec) * 1000;
}

export function mediaReadMs(timing: TimingModel, medium: MediumKind, bytes: number): number {
  return (bytes / timing.media[medium].readBytesPerSec) * 1000;
}

export type SimStageKind = 'rom' | 'tfa' | 'uboot';

export interface IdealTransferQuery {
  stage: SimStageKind;
  bytes: number;
  /** U-Boot only: where the bytes land (default mmc). */
  medium?: MediumKind;
}

/**
 * The fastest a perfect host can move `bytes` through one stage under this model, from the first
 * DNLOAD to the GETSTATUS that reports dfuIDLE after the ZLP (§3.5), in model milliseconds:
 *  - ROM: per 1024-byte block DNLOAD + GETSTATUS (4) + 1 ms poll + GETSTATUS (5) (§3.4);
 *  - TF-A: per 1024-byte block DNLOAD + GETSTATUS (3) + GETSTATUS (5), poll 0 (§3.3);
 *  - U-Boot: per 4096-byte block DNLOAD + GETSTATUS (5), plus the medium write, which runs in series
 *    with USB because the drain blocks the DNLOAD status stage (§3.2), plus the end-of-phase hook.
 */
export function idealTransferMs(timing: TimingModel, query: IdealTransferQuery): number {
  const blockBytes = query.stage === 'uboot' ? 4096 : 1024;
  const blocks = Math.ceil(query.bytes / blockBytes);
  const wire = (query.bytes / timing.usbBytesPerSec) * 1000;
  const status = controlTransferMs(timing, 6);
  const dnloadOverhead = timing.controlOverheadMs;
  // ZLP + GETSTATUS (7) + GETSTATUS (2).
  const finish = dnloadOverhead + 2 * status;
  if (query.stage === 'rom') return blocks * (dnloadOverhead + 2 * status + 1) + wire + finish + 1;
  if (query.stage === 'tfa') return blocks * (dnloadOverhead + 2 * status) + wire + finish + 1;
  const medium = query.medium ?? 'mmc';
  return (
    blocks * (dnloadOverhead + status) +
    wire +
    mediaWriteMs(timing, medium, query.bytes) +
    finish +
    timing.ubootPhaseHookMs
  );
}

/** Sustained throughput a perfect host reaches for large transfers, in bytes per model second. */
export function idealThroughputBytesPerSec(
  timing: TimingModel,
  query: Omit<IdealTransferQuery, 'bytes'>,
): number {
  const bytes = 256 * 1024 * 1024;
  return bytes / (idealTransferMs(timing, { ...query, bytes }) / 1000);
}

/** A small deterministic generator (mulberry32) so a seed reproduces jitter and derived UIDs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function withJitter(ms: number, fraction: number, random: () => number): number {
  if (fraction <= 0) return ms;
  return Math.max(0, ms * (1 + fraction * (2 * random() - 1)));
}
