/**
 * The batch that runs inside the harness guest, one board front per case, one after the other:
 *
 *   node dist/test/usb-harness/guest-cases.js [--results <dir>] [--full-samples] [case …]
 *
 * Results go to <dir>, by default $USBH_WORK/results (the run folder the host shares read-write).
 *
 * Each case writes <dir>/<case>.json: { name, ok, error, durationMs, data }. `ok` only says
 * the case ran to its end; what the data must show is asserted on the host (usb-harness.test.ts), so
 * a failure there reads as a normal test failure with the evidence next to it. Exits 0 when every
 * case ran, 1 when one threw (its file says why), 2 on bad arguments.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { backendMp13Reenumeration, backendMp15, type CaseContext } from './case-backend-direct.js';
import { cliFlash, cliList, cliPartitionIteration, dfuUtilMp15 } from './case-cli.js';
import type { CaseName, CaseResult, CaseResults } from './case-results.js';

const CASES: { [K in CaseName]: (ctx: CaseContext) => Promise<CaseResults[K]> } = {
  'backend-mp15': backendMp15,
  'backend-mp13-reenumeration': backendMp13Reenumeration,
  'dfu-util-mp15': dfuUtilMp15,
  'cli-list': cliList,
  'cli-flash-mp15': (ctx) => cliFlash(ctx, { soc: 'mp15', journal: true }),
  'cli-flash-mp13': (ctx) => cliFlash(ctx, { soc: 'mp13', journal: true }),
  'cli-flash-mp25': (ctx) => cliFlash(ctx, { soc: 'mp25', journal: true }),
  // The reconnect wait is shortened: the symptom is the point, not 30 s of waiting.
  'cli-uboot-no-reconnect': (ctx) =>
    cliFlash(ctx, {
      soc: 'mp15',
      scenario: 'uboot-no-reconnect',
      journal: true,
      args: ['--timeout', 'after-fip=10'],
    }),
  // No --journal: the default folder is under the read-only HOME, which must only be a warning.
  'cli-layout-rejected': (ctx) => cliFlash(ctx, { soc: 'mp15', scenario: 'layout-rejected', journal: false }),
  'cli-partition-iteration': cliPartitionIteration,
};

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--results');
  const resultsDir =
    at >= 0
      ? args.splice(at, 2)[1]
      : process.env['USBH_WORK']
        ? path.join(process.env['USBH_WORK'], 'results')
        : undefined;
  const full = args.indexOf('--full-samples');
  if (full >= 0) args.splice(full, 1);
  const names = args;
  if (!resultsDir) {
    process.stderr.write(
      `usage: guest-cases.js [--results <dir>] [--full-samples] [${Object.keys(CASES).join('|')} …]\n`,
    );
    return 2;
  }
  const isCase = (n: string): n is CaseName => n in CASES;
  const selected = names.length > 0 ? names : Object.keys(CASES);
  const unknown = selected.filter((n) => !isCase(n));
  if (unknown.length > 0) {
    process.stderr.write(`guest-cases: unknown case(s) ${unknown.join(', ')}\n`);
    return 2;
  }
  await mkdir(resultsDir, { recursive: true });
  const scratchDir = path.join('/tmp', 'usb-harness-scratch');
  await mkdir(scratchDir, { recursive: true });
  let failed = 0;
  for (const name of selected.filter(isCase)) {
    const start = performance.now();
    process.stdout.write(`guest-cases: ${name} …\n`);
    let result: CaseResult;
    try {
      const data = await CASES[name]({ scratchDir, fullSamples: full >= 0 });
      result = { name, ok: true, error: null, durationMs: performance.now() - start, data };
    } catch (error) {
      failed++;
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      result = { name, ok: false, error: text, durationMs: performance.now() - start, data: null };
    }
    await writeFile(path.join(resultsDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    process.stdout.write(`guest-cases: ${name} ${result.ok ? 'ran' : 'THREW'} in ${seconds} s\n`);
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
