import { MiB, writeBenchLayout } from './bench-fixture.js';
import { round } from './bench-stats.js';
import { hostOnlyDownload } from './host-only-download.js';
import { flashPipeline, type PipelineFlash } from './pipeline-flash.js';

export type RssMode = 'pipeline' | 'host-only';

export interface RssRun {
  mode: RssMode;
  rootfsBytes: number;
  /** RSS after start-up (modules loaded, fixture written), before the flash. */
  baselineMB: number;
  /** Peak RSS of the whole process: the kernel's high-water mark (getrusage ru_maxrss). */
  peakMB: number;
  /** Highest V8 heap in use seen by a 20 ms sampler. */
  peakHeapUsedMB: number;
  /** Pipeline mode: the flash itself (timing, simulator storage, log trimming). */
  flash: PipelineFlash | null;
}

/**
 * One flash of a `rootfsBytes` sparse image, and the process's peak RSS. Meant to run alone in a fresh
 * process (bench-child.js), one per image size, so no measurement inherits another's heap.
 *  - pipeline: runFlashSession against a simulated board in the same process (the figure includes the
 *    simulator: its 8 MiB U-Boot buffer, the copies it makes of every block, the sparse media);
 *  - host-only: the DfuClient streaming the file to a device that answers at once (no simulator).
 */
export async function measureRss(mode: RssMode, rootfsBytes: number): Promise<RssRun> {
  const fixture = await writeBenchLayout({ soc: 'mp15', rootfsBytes });
  let peakHeapUsed = 0;
  const sampler = setInterval(() => {
    peakHeapUsed = Math.max(peakHeapUsed, process.memoryUsage().heapUsed);
  }, 20);
  try {
    const baseline = process.memoryUsage().rss;
    let flash: PipelineFlash | null = null;
    if (mode === 'pipeline') flash = await flashPipeline(fixture.layoutPath);
    else await hostOnlyDownload(fixture.rootfsPath);
    return {
      mode,
      rootfsBytes,
      baselineMB: round(baseline / MiB, 1),
      peakMB: round((process.resourceUsage().maxRSS * 1024) / MiB, 1),
      peakHeapUsedMB: round(peakHeapUsed / MiB, 1),
      flash,
    };
  } finally {
    clearInterval(sampler);
    await fixture.remove();
  }
}
