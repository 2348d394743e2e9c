/**
 * Throttles partition progress at the source: at most one report per `intervalMs` (and always the
 * last one), with a rate over a sliding window so the ETA does not jump with every block.
 */
export class ProgressThrottle {
  private lastReportMs = -Infinity;
  private readonly samples: { tMs: number; bytes: number }[] = [];

  constructor(
    private readonly totalBytes: number,
    private readonly startMs: number,
    private readonly intervalMs = 200,
    private readonly windowMs = 2_000,
  ) {}

  /** Returns a report when one is due, else null. */
  update(
    nowMs: number,
    bytesSent: number,
  ): { bytesSent: number; totalBytes: number; rateBytesPerS: number; etaMs: number | null } | null {
    const done = bytesSent >= this.totalBytes;
    if (!done && nowMs - this.lastReportMs < this.intervalMs) return null;
    this.lastReportMs = nowMs;
    this.samples.push({ tMs: nowMs, bytes: bytesSent });
    while (this.samples.length > 2 && nowMs - this.samples[0]!.tMs > this.windowMs) this.samples.shift();
    const first = this.samples.length > 1 ? this.samples[0]! : { tMs: this.startMs, bytes: 0 };
    const spanMs = nowMs - first.tMs;
    const rateBytesPerS = spanMs > 0 ? ((bytesSent - first.bytes) * 1000) / spanMs : 0;
    const remaining = this.totalBytes - bytesSent;
    const etaMs =
      rateBytesPerS > 0 ? Math.round((remaining / rateBytesPerS) * 1000) : remaining === 0 ? 0 : null;
    return { bytesSent, totalBytes: this.totalBytes, rateBytesPerS: Math.round(rateBytesPerS), etaMs };
  }
}
