import type { BackendMp13Result, BackendMp15Result } from './case-backend-direct.js';
import type {
  CliFlashResult,
  CliListResult,
  CliPartitionIterationResult,
  DfuUtilResult,
} from './case-cli.js';

/** What each case of guest-cases.ts records, by case name. */
export interface CaseResults {
  'backend-mp15': BackendMp15Result;
  'backend-mp13-reenumeration': BackendMp13Result;
  'dfu-util-mp15': DfuUtilResult;
  'cli-list': CliListResult;
  'cli-flash-mp15': CliFlashResult;
  'cli-flash-mp13': CliFlashResult;
  'cli-flash-mp25': CliFlashResult;
  'cli-uboot-no-reconnect': CliFlashResult;
  'cli-layout-rejected': CliFlashResult;
  'cli-partition-iteration': CliPartitionIterationResult;
}

export type CaseName = keyof CaseResults;

/** One case's result file: `ok` says the case ran to its end, not that it passed. */
export interface CaseResult<K extends CaseName = CaseName> {
  name: K;
  ok: boolean;
  error: string | null;
  durationMs: number;
  data: CaseResults[K] | null;
}
