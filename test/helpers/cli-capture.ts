import { Readable } from 'node:stream';
import type { CliIo } from '../../main/cli/cli-io.js';
import { runCli } from '../../main/cli/run-cli.js';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output; `env` replaces the process environment entirely. */
export async function runCliCaptured(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    signal?: AbortSignal;
    /** Text on standard input (not a terminal). */
    stdin?: string;
  } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    isTty: false,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.stdin !== undefined ? { stdin: Readable.from([options.stdin]) } : {}),
  };
  const exitCode = await runCli(args, io);
  return { exitCode, stdout, stderr };
}
