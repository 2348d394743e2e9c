/** What a command needs from the outside world; the bin wires process streams, tests wire buffers. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** True when stdout is a terminal (progress bars, colours). */
  isTty: boolean;
  /** Aborts on Ctrl-C: long commands cancel cleanly and report a "cancelled" outcome. */
  signal?: AbortSignal;
  /** Standard input, for secrets (`station init --pin-prompt` / `--pin-stdin`); absent = none. */
  stdin?: CliStdin;
}

/** What commands use of process.stdin; tests pass a Readable. */
export type CliStdin = NodeJS.ReadableStream & {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
};

/** Exit statuses shared by every command (README "CLI"). */
export const EXIT = {
  ok: 0,
  internal: 1,
  badInput: 2,
  flashFailed: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
