import type { IdentityTimeline } from './identity-timeline.js';

export interface TimeBreak {
  startMs: number;
  endMs: number;
  x0: number;
  x1: number;
}

export interface TimeTick {
  tMs: number;
  x: number;
  label: string;
}

export interface TimeScale {
  widthPx: number;
  /** Session time (ms) → x in pixels, from `x0` to `x0 + widthPx`. */
  x(tMs: number): number;
  /** Long idle gaps drawn shorter than their time, marked with a break. */
  breaks: TimeBreak[];
  ticks: TimeTick[];
}

export interface TimeScaleOptions {
  /** Where the axis starts, in pixels (room for lane labels on its left). */
  x0?: number;
  widthPx: number;
  /** A gap is drawn compressed when it is longer than this… */
  compressAboveMs: number;
  /** …and longer than this share of the whole session. */
  compressAboveShare: number;
  /** Width of a compressed gap, in pixels. */
  compressedWidthPx: number;
  /** Ticks closer than this would make their labels collide. */
  minTickSpacingPx: number;
}

interface Piece {
  startMs: number;
  endMs: number;
  compressed: boolean;
}

const TICK_STEPS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
  600_000, 1_800_000, 3_600_000,
];
/** A break's end is labelled to a tenth of a second: it rarely falls on a round tick. */
const BREAK_END_LABEL_STEP_MS = 100;

/**
 * A piecewise-linear time axis: activity keeps its true proportions, while a long silent wait (a 30 s
 * timeout after 3 s of transfers) is drawn short, with a break, so the transfers before it stay readable.
 */
export function buildTimeScale(timeline: IdentityTimeline, options: TimeScaleOptions): TimeScale {
  const { widthPx, compressAboveMs, compressAboveShare, compressedWidthPx, minTickSpacingPx } = options;
  const originX = options.x0 ?? 0;
  const endMs = Math.max(timeline.endMs, 1);
  const longGaps = timeline.gaps
    .filter(
      (g) => g.endMs - g.startMs > compressAboveMs && (g.endMs - g.startMs) / endMs > compressAboveShare,
    )
    .sort((a, b) => a.startMs - b.startMs);

  const pieces: Piece[] = [];
  let cursor = 0;
  for (const gap of longGaps) {
    // overlapping gaps must not make the axis run backwards
    const start = Math.max(cursor, gap.startMs);
    if (start > cursor) pieces.push({ startMs: cursor, endMs: start, compressed: false });
    if (gap.endMs > start) pieces.push({ startMs: start, endMs: gap.endMs, compressed: true });
    cursor = Math.max(cursor, gap.endMs);
  }
  if (cursor < endMs) pieces.push({ startMs: cursor, endMs, compressed: false });

  const linearMs = pieces.filter((p) => !p.compressed).reduce((sum, p) => sum + (p.endMs - p.startMs), 0);
  const compressedCount = pieces.filter((p) => p.compressed).length;
  const linearPx = Math.max(1, widthPx - compressedCount * compressedWidthPx);
  const pxPerMs = linearMs > 0 ? linearPx / linearMs : 0;
  // a session that is nothing but waiting still fills the axis
  const compressedPx = linearMs > 0 ? compressedWidthPx : widthPx / Math.max(1, compressedCount);

  const placed: { piece: Piece; x0: number; x1: number }[] = [];
  let x = originX;
  for (const piece of pieces) {
    const w = piece.compressed ? compressedPx : (piece.endMs - piece.startMs) * pxPerMs;
    placed.push({ piece, x0: x, x1: x + w });
    x += w;
  }

  const toX = (tMs: number): number => {
    if (tMs <= 0 || placed.length === 0) return originX;
    for (const p of placed) {
      if (tMs <= p.piece.endMs) {
        const span = p.piece.endMs - p.piece.startMs;
        return span <= 0 ? p.x0 : p.x0 + ((tMs - p.piece.startMs) / span) * (p.x1 - p.x0);
      }
    }
    return placed[placed.length - 1]!.x1;
  };

  const breaks = placed
    .filter((p) => p.piece.compressed)
    .map((p) => ({ startMs: p.piece.startMs, endMs: p.piece.endMs, x0: p.x0, x1: p.x1 }));

  const stepMs =
    TICK_STEPS_MS.find((step) => step * pxPerMs >= minTickSpacingPx) ??
    TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
  const minGapPx = minTickSpacingPx * 0.6;
  const ticks: TimeTick[] = [];
  for (let t = 0; t <= endMs + 1e-6; t += stepMs) {
    if (breaks.some((b) => t > b.startMs && t < b.endMs)) continue;
    ticks.push({ tMs: t, x: toX(t), label: tickLabel(t, stepMs) });
  }
  for (const b of breaks) {
    if (!ticks.some((tick) => Math.abs(tick.x - b.x1) < minGapPx)) {
      ticks.push({ tMs: b.endMs, x: b.x1, label: tickLabel(b.endMs, BREAK_END_LABEL_STEP_MS) });
    }
  }
  ticks.sort((a, b) => a.x - b.x);
  const spaced: TimeTick[] = [];
  for (const tick of ticks) {
    const last = spaced[spaced.length - 1];
    if (!last || tick.x - last.x >= minGapPx) spaced.push(tick);
  }
  return { widthPx, x: toX, breaks, ticks: spaced };
}

/** "0 s", "250 ms", "1.5 s", "42 s", "2 min 05": as many decimals as the tick step needs. */
function tickLabel(tMs: number, stepMs: number): string {
  if (tMs >= 120_000) {
    const seconds = Math.round(tMs / 1000);
    return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')}`;
  }
  if (tMs % 1000 === 0) return `${tMs / 1000} s`;
  if (tMs < 1000) return `${Math.round(tMs)} ms`;
  const decimals = stepMs % 1000 === 0 ? 0 : stepMs % 100 === 0 ? 1 : stepMs % 10 === 0 ? 2 : 3;
  return `${(tMs / 1000).toFixed(decimals)} s`;
}
