import type { EngineResult } from './engine-throughput.js';
import type { GangResult } from './gang-speedup.js';
import type { HashResult } from './hash-throughput.js';
import type { HostEfficiencyResult } from './host-efficiency.js';
import type { LayoutParseResult } from './layout-parse.js';
import type { MachineInfo } from './machine-info.js';
import type { RealUsbDetails, RealUsbResult } from './real-usb.js';
import type { ReconnectLatencyResult } from './reconnect-latency.js';
import type { RssRun } from './rss-run.js';

export interface RssFigures {
  pipeline1: RssRun;
  pipeline4: RssRun;
  hostOnly1: RssRun;
  hostOnly4: RssRun;
}

/** bench/results.json. Headline figures at the top level (null when not measured), the rest in `details`. */
export interface BenchResults {
  schema: 1;
  generatedAt: string;
  /** --quick: small images, for trying the bench; not figures to publish. */
  quick: boolean;
  machine: MachineInfo;
  durationS: number;
  stepSeconds: Record<string, number>;
  hostEfficiency: { achievedOverIdeal: number; hostCpuMsPerMiB: number } | null;
  engineMiBps: number | null;
  /** Pipeline + simulator in one process; hostOnly: the DFU engine alone (no simulator). */
  rssMB: { at1GiB: number; at4GiB: number; hostOnly: { at1GiB: number; at4GiB: number } } | null;
  reconnectLatencyMs: { median: number; p95: number } | null;
  gangSpeedup: Record<string, number> | null;
  layoutParseMs: { medianPerFile: number; total: number } | null;
  hashMiBps: { ours: number; sha256sum: number | null } | null;
  realUsb: RealUsbResult | null;
  /** Why realUsb is null. */
  realUsbReason: string | null;
  details: {
    hostEfficiency?: HostEfficiencyResult;
    engine?: EngineResult;
    rss?: RssFigures & { method: string };
    reconnect?: ReconnectLatencyResult;
    gang?: GangResult;
    layoutParse?: LayoutParseResult | null;
    hash?: HashResult;
    realUsb?: RealUsbDetails | null;
  };
}
