/**
 * `npm run bench`: every performance figure of the issue "Benchmarks", each measured in its own fresh
 * Node process, written to bench/results.json (figures + details + method of each) and
 * bench/results.md (the short summary). Usage: node dist/bench/run-bench.js [--quick] [--only a,b].
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runInChild } from './bench-child-io.js';
import { GiB, MiB } from './bench-fixture.js';
import type { EngineResult } from './engine-throughput.js';
import type { GangResult } from './gang-speedup.js';
import type { HashResult } from './hash-throughput.js';
import type { HostEfficiencyResult } from './host-efficiency.js';
import type { LayoutParseResult } from './layout-parse.js';
import { loadAverageNow, machineInfo } from './machine-info.js';
import { measureRealUsb, type RealUsbOutcome } from './real-usb.js';
import type { ReconnectLatencyResult } from './reconnect-latency.js';
import { resultsMarkdown } from './results-markdown.js';
import type { BenchResults } from './results-types.js';
import type { RssRun } from './rss-run.js';

const STEPS = [
  'host-efficiency',
  'engine',
  'rss',
  'reconnect',
  'gang',
  'layout-parse',
  'hash',
  'real-usb',
] as const;
type Step = (typeof STEPS)[number];

function parseArgs(argv: string[]): { quick: boolean; only: Set<Step> } {
  const quick = argv.includes('--quick');
  const at = argv.indexOf('--only');
  const only = new Set<Step>(
    at >= 0
      ? (argv[at + 1] ?? '').split(',').filter((s): s is Step => (STEPS as readonly string[]).includes(s))
      : STEPS,
  );
  return { quick, only };
}

async function step<T>(name: string, run: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  process.stderr.write(`bench: ${name} …\n`);
  const start = performance.now();
  const value = await run();
  const seconds = (performance.now() - start) / 1000;
  process.stderr.write(`bench: ${name} done in ${seconds.toFixed(1)} s (load average ${loadAverageNow()})\n`);
  return { value, seconds };
}

async function main(): Promise<void> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const machine = machineInfo();
  const big = quick ? 64 * MiB : GiB;
  const huge = quick ? 256 * MiB : 4 * GiB;
  const results: BenchResults = {
    schema: 1,
    generatedAt: new Date().toISOString(),
    quick,
    machine,
    durationS: 0,
    stepSeconds: {},
    hostEfficiency: null,
    engineMiBps: null,
    rssMB: null,
    reconnectLatencyMs: null,
    gangSpeedup: null,
    layoutParseMs: null,
    hashMiBps: null,
    realUsb: null,
    realUsbReason: null,
    details: {},
  };
  const timed = <T>(name: Step, run: () => Promise<T>): Promise<T> =>
    step(name, run).then(({ value, seconds }) => {
      results.stepSeconds[name] = Math.round(seconds * 10) / 10;
      return value;
    });

  // The 1 GiB engine flash runs alone: it is a wall-clock figure and its process doubles as the 1 GiB
  // peak-RSS measurement.
  let rss1: RssRun | null = null;
  if (only.has('engine')) {
    const r = await timed('engine', () => runInChild<EngineResult>('engine', [String(big)]));
    results.engineMiBps = r.engineMiBps;
    results.details.engine = r;
    rss1 = r.rss;
  }
  // Host efficiency (model time on a VirtualClock, CPU time) and peak RSS (memory) do not depend on
  // wall time, so their processes run side by side on the two CPUs.
  const efficiency = only.has('host-efficiency')
    ? timed('host-efficiency', () => runInChild<HostEfficiencyResult>('host-efficiency', [String(big)]))
    : Promise.resolve(null);
  const rssRuns = only.has('rss')
    ? timed('rss', async () => {
        const pipeline4 = await runInChild<RssRun>('rss', ['pipeline', String(huge)]);
        const pipeline1 = rss1 ?? (await runInChild<RssRun>('rss', ['pipeline', String(big)]));
        const hostOnly1 = await runInChild<RssRun>('rss', ['host-only', String(big)]);
        const hostOnly4 = await runInChild<RssRun>('rss', ['host-only', String(huge)]);
        return { pipeline1, pipeline4, hostOnly1, hostOnly4 };
      })
    : Promise.resolve(null);
  const [hostEfficiency, rss] = await Promise.all([efficiency, rssRuns]);
  if (hostEfficiency) {
    results.hostEfficiency = {
      achievedOverIdeal: hostEfficiency.achievedOverIdeal,
      hostCpuMsPerMiB: hostEfficiency.hostCpuMsPerMiB,
    };
    results.details.hostEfficiency = hostEfficiency;
  }
  if (rss) {
    results.rssMB = {
      at1GiB: rss.pipeline1.peakMB,
      at4GiB: rss.pipeline4.peakMB,
      hostOnly: { at1GiB: rss.hostOnly1.peakMB, at4GiB: rss.hostOnly4.peakMB },
    };
    results.details.rss = {
      ...rss,
      method:
        "Peak RSS (getrusage ru_maxrss: the kernel's high-water mark for the whole process) of a fresh Node process " +
        'per image size, each flashing a sparse rootfs of that size (all zeros but a 4 KiB stamp every 64 MiB, so the ' +
        'simulated eMMC stores only the stamps). at1GiB/at4GiB: the whole pipeline (runFlashSession) with the ' +
        'simulated board in the same process, so the simulator is included (its 8 MiB U-Boot buffer, into which ' +
        "it copies every block); the simulator's per-request transfer log is limited to 1024–2048 " +
        'entries (transferLogLimit, as the app limits it; by default it keeps every request for the tests: ~2 ' +
        "million objects at 4 GiB, simulator memory, not the host's). hostOnly: the DfuClient streaming the same file to a device that answers at " +
        'once, no simulator in the process. Runs beside hostEfficiency (neither depends on wall time).',
    };
  }
  if (only.has('reconnect')) {
    const r = await timed('reconnect', () => runInChild<ReconnectLatencyResult>('reconnect'));
    results.reconnectLatencyMs = { median: r.median, p95: r.p95 };
    results.details.reconnect = r;
  }
  if (only.has('gang')) {
    const r = await timed('gang', () => runInChild<GangResult>('gang'));
    results.gangSpeedup = r.speedup;
    results.details.gang = r;
  }
  if (only.has('layout-parse')) {
    const r = await timed('layout-parse', () => runInChild<LayoutParseResult | null>('layout-parse'));
    results.layoutParseMs = r ? { medianPerFile: r.medianPerFileMs, total: r.totalMs } : null;
    results.details.layoutParse = r;
  }
  if (only.has('hash')) {
    const r = await timed('hash', () => runInChild<HashResult>('hash'));
    results.hashMiBps = { ours: r.ours, sha256sum: r.sha256sum };
    results.details.hash = r;
  }
  if (only.has('real-usb')) {
    const outcome: RealUsbOutcome = await timed('real-usb', () => measureRealUsb({ quick }));
    results.realUsb = outcome.result;
    results.realUsbReason = outcome.reason;
    results.details.realUsb = outcome.details;
  }

  machine.loadAverageEnd = loadAverageNow();
  results.durationS = Math.round((performance.now() - started) / 100) / 10;
  const dir = fileURLToPath(new URL('../../bench/', import.meta.url));
  await writeFile(`${dir}results.json`, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(`${dir}results.md`, resultsMarkdown(results));
  process.stderr.write(`bench: wrote bench/results.json and bench/results.md in ${results.durationS} s\n`);
}

await main();
