import type { IdentityTimeline } from '../../../shared/timeline/identity-timeline.js';

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
  /** Session time (ms) → x in pixels. */
  x(tMs: number): number;
  /** Long idle gaps drawn shorter than their time, marked with a break. */
  breaks: TimeBreak[];
  ticks: TimeTick[];
}

export interface TimeScaleOptions {
  /** A gap is drawn compressed when it is longer than this… */
  compressAboveMs?: number;
  /** …and longer than this share of the whole session. */
  compressAboveShare?: number;
  /** Width of a compressed gap, in pixels. */
  compressedWidthPx?: number;
}

interface Piece {
  startMs: number;
  endMs: number;
  compressed: boolean;
}

const TICK_STEPS_MS = [
  100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
];

/**
 * A piecewise-linear time axis: activity keeps its true proportions, while a 30 s wait for a board that
 * never came back is drawn short with a break, so the transfers before it stay readable.
 */
export function buildTimeScale(
  timeline: IdentityTimeline,
  widthPx: number,
  options: TimeScaleOptions = {},
): TimeScale {
  const endMs = Math.max(timeline.endMs, 1);
  const compressAboveMs = options.compressAboveMs ?? 5_000;
  const share = options.compressAboveShare ?? 0.4;
  const compressedWidthPx = options.compressedWidthPx ?? Math.max(90, Math.round(widthPx * 0.12));
  const longGaps = timeline.gaps
    .filter((g) => g.endMs - g.startMs > compressAboveMs && (g.endMs - g.startMs) / endMs > share)
    .sort((a, b) => a.startMs - b.startMs);

  const pieces: Piece[] = [];
  let cursor = 0;
  for (const gap of longGaps) {
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
  const compressedPx = linearMs > 0 ? compressedWidthPx : widthPx / Math.max(1, compressedCount);

  const offsets: { piece: Piece; x0: number; x1: number }[] = [];
  let x = 0;
  for (const piece of pieces) {
    const w = piece.compressed ? compressedPx : (piece.endMs - piece.startMs) * pxPerMs;
    offsets.push({ piece, x0: x, x1: x + w });
    x += w;
  }

  const toX = (tMs: number): number => {
    if (tMs <= 0) return 0;
    for (const { piece, x0, x1 } of offsets) {
      if (tMs <= piece.endMs) {
        const span = piece.endMs - piece.startMs;
        return span <= 0 ? x0 : x0 + ((tMs - piece.startMs) / span) * (x1 - x0);
      }
    }
    return offsets.length > 0 ? offsets[offsets.length - 1]!.x1 : 0;
  };

  const breaks = offsets
    .filter((o) => o.piece.compressed)
    .map((o) => ({ startMs: o.piece.startMs, endMs: o.piece.endMs, x0: o.x0, x1: o.x1 }));

  const stepMs =
    TICK_STEPS_MS.find((step) => step * pxPerMs >= 72) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
  const ticks: TimeTick[] = [];
  for (let t = 0; t <= endMs + 1e-6; t += stepMs) {
    if (breaks.some((b) => t > b.startMs && t < b.endMs)) continue;
    ticks.push({ tMs: t, x: toX(t), label: tickLabel(t, stepMs) });
  }
  for (const b of breaks) {
    if (!ticks.some((tick) => Math.abs(tick.x - b.x1) < 40))
      ticks.push({ tMs: b.endMs, x: b.x1, label: tickLabel(b.endMs, 1000) });
  }
  ticks.sort((a, b) => a.x - b.x);
  return { widthPx, x: toX, breaks, ticks };
}

function tickLabel(tMs: number, stepMs: number): string {
  if (tMs < 120_000 && tMs % 1000 === 0) return `${tMs / 1000} s`;
  if (stepMs < 1000) return `${(tMs / 1000).toFixed(stepMs % 1000 === 0 ? 0 : stepMs % 500 === 0 ? 1 : 2)} s`;
  if (tMs >= 120_000)
    return `${Math.floor(tMs / 60_000)} min ${String(Math.round((tMs % 60_000) / 1000)).padStart(2, '0')}`;
  return `${Math.round(tMs / 1000)} s`;
}
