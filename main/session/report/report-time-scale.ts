import type { IdentityTimeline } from '../../../shared/timeline/identity-timeline.js';

export interface ScaleBreak {
  startMs: number;
  endMs: number;
  x0: number;
  x1: number;
}

export interface ScaleTick {
  tMs: number;
  x: number;
  label: string;
}

export interface ReportTimeScale {
  x(tMs: number): number;
  breaks: ScaleBreak[];
  ticks: ScaleTick[];
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
/** Gaps drawn shorter than their time: longer than this… */
const COMPRESS_ABOVE_MS = 1500;
/** …and more than this share of the session. */
const COMPRESS_ABOVE_SHARE = 0.2;
const MIN_TICK_SPACING_PX = 70;

/**
 * A piecewise-linear axis from x0 to x1: activity keeps its proportions, while a long silent wait
 * (a 30 s timeout after 3 s of transfers) is drawn short, with a break, so the transfers stay readable.
 */
export function buildReportTimeScale(timeline: IdentityTimeline, x0: number, x1: number): ReportTimeScale {
  const endMs = Math.max(timeline.endMs, 1);
  const widthPx = x1 - x0;
  const compressedPx = Math.max(70, Math.round(widthPx * 0.1));
  const long = timeline.gaps
    .filter(
      (g) => g.endMs - g.startMs > COMPRESS_ABOVE_MS && (g.endMs - g.startMs) / endMs > COMPRESS_ABOVE_SHARE,
    )
    .sort((a, b) => a.startMs - b.startMs);

  const pieces: Piece[] = [];
  let cursor = 0;
  for (const gap of long) {
    // keep a sliver of real time on both sides so the gap's start and end stay visible
    const start = Math.max(cursor, gap.startMs);
    if (start > cursor) pieces.push({ startMs: cursor, endMs: start, compressed: false });
    if (gap.endMs > start) pieces.push({ startMs: start, endMs: gap.endMs, compressed: true });
    cursor = Math.max(cursor, gap.endMs);
  }
  if (cursor < endMs) pieces.push({ startMs: cursor, endMs, compressed: false });

  const linearMs = pieces.filter((p) => !p.compressed).reduce((sum, p) => sum + (p.endMs - p.startMs), 0);
  const compressedCount = pieces.filter((p) => p.compressed).length;
  const linearPx = Math.max(1, widthPx - compressedCount * compressedPx);
  const pxPerMs = linearMs > 0 ? linearPx / linearMs : 0;
  const compressedWidth = linearMs > 0 ? compressedPx : widthPx / Math.max(1, compressedCount);

  const placed: { piece: Piece; x0: number; x1: number }[] = [];
  let x = x0;
  for (const piece of pieces) {
    const w = piece.compressed ? compressedWidth : (piece.endMs - piece.startMs) * pxPerMs;
    placed.push({ piece, x0: x, x1: x + w });
    x += w;
  }

  const toX = (tMs: number): number => {
    if (tMs <= 0 || placed.length === 0) return x0;
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
    TICK_STEPS_MS.find((step) => step * pxPerMs >= MIN_TICK_SPACING_PX) ??
    TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
  const ticks: ScaleTick[] = [];
  for (let t = 0; t <= endMs + 1e-6; t += stepMs) {
    if (breaks.some((b) => t > b.startMs && t < b.endMs)) continue;
    ticks.push({ tMs: t, x: toX(t), label: tickLabel(t, stepMs) });
  }
  for (const b of breaks) {
    if (!ticks.some((tick) => Math.abs(tick.x - b.x1) < MIN_TICK_SPACING_PX * 0.6)) {
      ticks.push({ tMs: b.endMs, x: b.x1, label: tickLabel(b.endMs, 100) });
    }
  }
  ticks.sort((a, b) => a.x - b.x);
  const spaced: ScaleTick[] = [];
  for (const tick of ticks) {
    const last = spaced[spaced.length - 1];
    if (!last || tick.x - last.x >= MIN_TICK_SPACING_PX * 0.6) spaced.push(tick);
  }
  return { x: toX, breaks, ticks: spaced };
}

function tickLabel(tMs: number, stepMs: number): string {
  if (tMs === 0) return '0';
  if (stepMs < 1000) {
    if (tMs < 1000) return `${Math.round(tMs)} ms`;
    const decimals = stepMs % 1000 === 0 ? 0 : stepMs % 100 === 0 ? 1 : 2;
    return `${(tMs / 1000).toFixed(decimals)} s`;
  }
  if (tMs >= 120_000) {
    return `${Math.floor(tMs / 60_000)} min ${String(Math.round((tMs % 60_000) / 1000)).padStart(2, '0')}`;
  }
  return `${Math.round(tMs / 1000)} s`;
}
