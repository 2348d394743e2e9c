import type { TransferLogEntry } from '../main/sim/index.js';

export interface TransferWindow {
  /** First DNLOAD with data → end of the last GETSTATUS on the alt (the status that reports dfuIDLE). */
  startMs: number;
  endMs: number;
  durationMs: number;
  dataBlocks: number;
  requests: number;
  /** Sum of the times no request was on the wire inside the window: the host's own waiting. */
  idleGapMs: number;
  largestGapMs: number;
}

/**
 * One download as the device saw it, from the simulator's transfer log: the same window that
 * `idealTransferMs` models (first DNLOAD to the GETSTATUS that reports dfuIDLE after the ZLP).
 */
export function transferWindow(
  entries: readonly TransferLogEntry[],
  connectionId: string,
  alt: number,
): TransferWindow {
  const onAlt = entries.filter((e) => e.connectionId === connectionId && e.alt === alt && e.kind !== 'open');
  const firstIndex = onAlt.findIndex((e) => e.request === 'DNLOAD' && e.lengthBytes > 0);
  const lastIndex = onAlt.findLastIndex((e) => e.request === 'GETSTATUS');
  if (firstIndex < 0 || lastIndex < firstIndex)
    throw new Error(`no download to alt ${alt} on ${connectionId}`);
  const window = onAlt.slice(firstIndex, lastIndex + 1);
  let idleGapMs = 0;
  let largestGapMs = 0;
  for (let i = 1; i < window.length; i++) {
    const gap = Math.max(0, window[i]!.atMs - (window[i - 1]!.endMs ?? window[i - 1]!.atMs));
    idleGapMs += gap;
    largestGapMs = Math.max(largestGapMs, gap);
  }
  const first = window[0]!;
  const last = window.at(-1)!;
  const endMs = last.endMs ?? last.atMs;
  return {
    startMs: first.atMs,
    endMs,
    durationMs: endMs - first.atMs,
    dataBlocks: window.filter((e) => e.request === 'DNLOAD' && e.lengthBytes > 0).length,
    requests: window.length,
    idleGapMs,
    largestGapMs,
  };
}
