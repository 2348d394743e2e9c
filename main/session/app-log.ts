import electronLog from 'electron-log/node';
import type { LogFile, LogMessage, NodeLogger } from 'electron-log';
import { accessSync, appendFileSync, constants, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { logDir, PRODUCT_NAME } from '../core/app-paths.js';

export type AppLogLevel = 'debug' | 'info' | 'warn' | 'error';
/** Which part of the app wrote a line: the Electron main process, the CLI, or a renderer via IPC. */
export type AppLogSource = 'main' | 'cli' | 'renderer';

/**
 * The application log (diagnostic lines, not the session journal). Structurally the same as the GUI's
 * main/app AppLog (`write` + `flush`), so either can be passed where the other is expected.
 */
export interface AppLog {
  /** The file written, or null when the log is off (read-only home, failed write). */
  readonly filePath: string | null;
  readonly source: AppLogSource;
  write(level: AppLogLevel, message: string, context?: Record<string, unknown>): void;
  /** Lines are written synchronously; this resolves at once and exists for the AppLog contract. */
  flush(): Promise<void>;
  /** The same file and settings, lines marked with another source. */
  withSource(source: AppLogSource): AppLog;
}

export const APP_LOG_FILE_NAME = 'app.log';
export const APP_LOG_DEFAULT_MAX_SIZE_BYTES = 2 * 1024 * 1024;
export const APP_LOG_DEFAULT_ARCHIVES = 3;
/** A renderer line is data from a less trusted process: bounded before it reaches the file. */
export const RENDERER_LINE_MAX_CHARS = 4000;

export interface AppLogOptions {
  /** The folder of app.log; default main/core/app-paths logDir(). */
  dir?: string;
  source: AppLogSource;
  /** Lowest level written; default 'info'. */
  level?: AppLogLevel;
  /** app.log is archived to app.1.log … app.N.log when it grows past this. */
  maxSizeBytes?: number;
  archives?: number;
  /** Called at most once, when the log cannot be written: the caller decides how to warn. */
  onUnavailable?: (reason: string) => void;
}

let nextLoggerId = 1;
const problemHandlers = new Map<string, () => void>();
let consolePatched = false;

/**
 * Opens the app log on electron-log's file transport (electron-log/node: the same code and the same
 * line format in Electron's main process and in the plain-Node CLI). Never throws: a folder that
 * cannot be written turns the log off and calls `onUnavailable` once.
 */
export function openAppLog(options: AppLogOptions): AppLog {
  const dir = options.dir ?? logDir();
  const filePath = path.join(dir, APP_LOG_FILE_NAME);
  const archives = Math.max(1, options.archives ?? APP_LOG_DEFAULT_ARCHIVES);
  let warned = false;
  const unavailable = (reason: string): void => {
    if (warned) return;
    warned = true;
    options.onUnavailable?.(reason);
  };

  const logger = electronLog.create({ logId: `stm32mp-flash-${nextLoggerId++}` });
  silenceTransports(logger);
  const file = logger.transports.file;
  file.setAppName(PRODUCT_NAME);
  file.resolvePathFn = () => filePath;
  file.maxSize = options.maxSizeBytes ?? APP_LOG_DEFAULT_MAX_SIZE_BYTES;
  file.level = options.level ?? 'info';
  file.format = ({ message }) => [formatLine(message)];
  file.archiveLogFn = (oldFile: LogFile) => rotate(oldFile.path, archives);

  const probeFailure = probeWritable(dir, filePath);
  let active = probeFailure === null;
  if (!active) {
    file.level = false;
    unavailable(probeFailure ?? 'unknown');
  } else {
    // A write that fails later (disk full, folder removed) turns the log off instead of retrying
    // every line; electron-log's own console report of it is routed here (see patchConsole).
    patchConsole();
    problemHandlers.set(path.resolve(filePath), () => {
      active = false;
      file.level = false;
      unavailable(`writing ${filePath} failed`);
    });
  }

  const make = (source: AppLogSource): AppLog => ({
    get filePath() {
      return active ? filePath : null;
    },
    source,
    write(level, message, context) {
      if (!active) return;
      const text = context === undefined ? message : `${message} ${safeJson(context)}`;
      logger.processMessage({
        data: [text],
        level,
        scope: source,
        date: new Date(),
        variables: { processType: 'main' },
      });
    },
    flush: () => Promise.resolve(),
    withSource: make,
  });
  return make(options.source);
}

/**
 * The app log of a CLI command: the default folder (STM32MP_FLASH_HOME honoured), debug lines with
 * STM32MP_FLASH_DEBUG. A read-only home is one warning on stderr, never a failure of the command.
 */
export function openCliAppLog(
  env: Record<string, string | undefined>,
  stderr: (text: string) => void,
): AppLog {
  return openAppLog({
    dir: logDir(env),
    source: 'cli',
    level: env.STM32MP_FLASH_DEBUG ? 'debug' : 'info',
    onUnavailable: (reason) =>
      stderr(
        `warning: no application log: ${reason}\n  Set STM32MP_FLASH_HOME to a writable folder to keep one.\n`,
      ),
  });
}

export interface RendererLogLine {
  level: AppLogLevel;
  message: string;
  context?: Record<string, unknown>;
}

/**
 * What the IPC `log.write` handler calls: the line is bounded and marked as the renderer's. Any log
 * with `write` will do; one without `withSource` gets the mark in the message.
 */
export function writeRendererLogLine(
  log: Pick<AppLog, 'write'> & Partial<Pick<AppLog, 'withSource'>>,
  line: RendererLogLine,
): void {
  const message = clip(line.message, RENDERER_LINE_MAX_CHARS);
  const context =
    line.context === undefined
      ? undefined
      : { renderer: clip(safeJson(line.context), RENDERER_LINE_MAX_CHARS) };
  if (log.withSource) log.withSource('renderer').write(line.level, message, context);
  else log.write(line.level, `renderer: ${message}`, context);
}

/** `2026-12-01T10:06:47.184Z info  [cli] flash session started {"layout":…}` — one record per line. */
function formatLine(message: LogMessage): string {
  const at = (message.date instanceof Date ? message.date : new Date()).toISOString();
  const level = String(message.level).padEnd(5);
  const text = message.data.map((part) => (typeof part === 'string' ? part : safeJson(part))).join(' ');
  return `${at} ${level} [${message.scope ?? 'main'}] ${oneLine(text)}`;
}

/** Newlines would split a record and let a renderer forge lines; control bytes garble terminals. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r?\n/g, ' ⏎ ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
}

function clip(text: string, maxChars: number): string {
  return text.length <= maxChars
    ? text
    : `${text.slice(0, maxChars)}… (${text.length - maxChars} more chars)`;
}

function safeJson(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) =>
        v instanceof Error ? { name: v.name, message: v.message } : v,
      ) ?? 'undefined'
    );
  } catch {
    return '"[unserialisable]"';
  }
}

function probeWritable(dir: string, filePath: string): string | null {
  try {
    mkdirSync(dir, { recursive: true });
    appendFileSync(filePath, '');
    return null;
  } catch (error) {
    return `cannot write ${filePath}: ${whyNotWritable(dir) ?? errorText(error)}`;
  }
}

/** A recursive mkdir on a read-only file system says ENOENT; the nearest existing folder says why. */
function whyNotWritable(dir: string): string | null {
  let current = path.resolve(dir);
  for (;;) {
    try {
      accessSync(current, constants.W_OK);
      return null;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') return `${current} is not writable (${code ?? errorText(error)})`;
    }
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

function errorText(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}

/** app.log → app.1.log → … → app.N.log; the oldest is dropped. electron-log resets the size after. */
function rotate(current: string, archives: number): void {
  const parsed = path.parse(current);
  const archive = (n: number): string => path.join(parsed.dir, `${parsed.name}.${n}${parsed.ext}`);
  try {
    rmSync(archive(archives), { force: true });
    for (let n = archives - 1; n >= 1; n--) {
      try {
        renameSync(archive(n), archive(n + 1));
      } catch {
        // a missing archive is the normal case until the log has rotated N times
      }
    }
    renameSync(current, archive(1));
  } catch {
    // electron-log truncates nothing if we fail: the next write just appends to the big file
  }
}

function silenceTransports(logger: NodeLogger): void {
  // The CLI prints its own output and the GUI has its own views: the log goes to the file only.
  for (const name of ['console', 'ipc', 'remote'] as const) {
    const transport = logger.transports[name];
    if (transport) transport.level = false;
  }
}

/**
 * electron-log reports a failed file write by calling the default logger's console transport directly
 * (a stack trace on stderr, on every line). The report names the file: turn that log off instead.
 */
function patchConsole(): void {
  if (consolePatched) return;
  consolePatched = true;
  const console = electronLog.transports.console;
  const original = console.writeFn.bind(console);
  console.writeFn = (options) => {
    const texts = (options.message.data as unknown[]).map((part) =>
      part instanceof Error ? part.message : String(part),
    );
    if (texts.some((text) => text.includes('electron-log.transports.file'))) {
      for (const [file, handler] of problemHandlers) {
        if (texts.some((text) => text.includes(file))) handler();
      }
      return;
    }
    original(options);
  };
}
