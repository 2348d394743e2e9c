import { Session } from 'node:inspector/promises';
import { round } from './bench-stats.js';

/** Percent of sampled time per area. */
export interface CpuShare {
  /** main/** except main/sim: the DFU client, the pipeline, the file reads. */
  hostPercent: number;
  /** main/sim/**: the simulated board. */
  simulatorPercent: number;
  gcPercent: number;
  /** (program), idle, module loading, the bench itself: anything not attributable to main/. */
  otherPercent: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

type Area = 'host' | 'simulator' | 'gc' | 'other';

function areaOfUrl(url: string): Area | null {
  if (url.includes('/main/sim/')) return 'simulator';
  if (url.includes('/main/')) return 'host';
  // Builtins and Node internals (Promise jobs, EventTarget, fs) are charged to the caller.
  if (url === '' || url.startsWith('node:')) return null;
  return 'other';
}

/**
 * Runs `work` under the V8 sampling profiler (the one `node --cpu-prof` uses) and splits the sampled
 * time by source folder. Builtins (TypedArray.slice, Promise machinery …) are charged to the nearest
 * caller with a source file, so a copy the simulator makes counts as simulator time.
 */
export async function cpuShareByArea(work: () => Promise<unknown>): Promise<CpuShare> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    await work();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    return splitProfile(profile);
  } finally {
    session.disconnect();
  }
}

function splitProfile(profile: Profile): CpuShare {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const areaCache = new Map<number, Area>();
  const areaOf = (id: number): Area => {
    const cached = areaCache.get(id);
    if (cached) return cached;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    let area: Area;
    if (name === '(garbage collector)') area = 'gc';
    else if (name === '(idle)' || name === '(program)' || name === '(root)') area = 'other';
    else {
      const own = areaOfUrl(node.callFrame.url);
      const up = parent.get(id);
      area = own ?? (up === undefined ? 'other' : areaOf(up));
    }
    areaCache.set(id, area);
    return area;
  };
  const totals: Record<Area, number> = { host: 0, simulator: 0, gc: 0, other: 0 };
  profile.samples.forEach((id, i) => (totals[areaOf(id)] += profile.timeDeltas[i] ?? 0));
  const sum = totals.host + totals.simulator + totals.gc + totals.other || 1;
  const pct = (value: number): number => round((100 * value) / sum, 1);
  return {
    hostPercent: pct(totals.host),
    simulatorPercent: pct(totals.simulator),
    gcPercent: pct(totals.gc),
    otherPercent: pct(totals.other),
  };
}
