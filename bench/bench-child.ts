import { reportToParent } from './bench-child-io.js';
import { measureEngine } from './engine-throughput.js';
import { measureGangSpeedup } from './gang-speedup.js';
import { measureHashThroughput } from './hash-throughput.js';
import { measureHostEfficiency } from './host-efficiency.js';
import { measureLayoutParse } from './layout-parse.js';
import { measureReconnectLatency } from './reconnect-latency.js';
import { measureRss, type RssMode } from './rss-run.js';

/**
 * Entry point of one measurement in its own process: `node dist/bench/bench-child.js <name> [args]`.
 * Prints its result as the last stdout line (see bench-child-io.ts).
 */
const MEASUREMENTS: Record<string, (args: string[]) => Promise<unknown>> = {
  'host-efficiency': (args) => measureHostEfficiency(sizeArg(args)),
  engine: (args) => measureEngine(sizeArg(args)),
  'layout-parse': () => measureLayoutParse(),
  hash: () => measureHashThroughput(),
  gang: () => measureGangSpeedup(),
  reconnect: () => measureReconnectLatency(),
  rss: (args) => measureRss(args[0] as RssMode, Number(args[1])),
};

function sizeArg(args: string[]): { rootfsBytes?: number } {
  const bytes = args[0] === undefined ? undefined : Number(args[0]);
  return bytes === undefined ? {} : { rootfsBytes: bytes };
}

const [name, ...args] = process.argv.slice(2);
const measure = name === undefined ? undefined : MEASUREMENTS[name];
if (!measure) {
  process.stderr.write(
    `bench-child: unknown measurement '${name ?? ''}' (${Object.keys(MEASUREMENTS).join(', ')})\n`,
  );
  process.exit(2);
}
reportToParent(await measure(args));
