import type { Command } from 'commander';
import type { FileHandle } from 'node:fs/promises';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError, isAppError } from '../../core/app-error.js';
import { DEFAULT_STAGE_TIMEOUTS } from '../../flash/stage-timeouts.js';
import { parseAltName } from '../../stm32mp/alt-name.js';
import { PHASE } from '../../stm32mp/phase-ids.js';
import type { CliIo, ExitCode } from '../cli-io.js';
import { EXIT } from '../cli-io.js';
import { TransferReporter } from '../format/transfer-reporter.js';
import type { CommandRun } from '../run-cli.js';
import type { TargetSpec } from '../target-spec.js';
import {
  addAltCommandOptions,
  findTargetBoard,
  openAlt,
  openAltCommandBus,
  parseWaitSeconds,
  targetSpecOf,
  type AltCommandOptions,
} from './alt-target.js';
import type { AltTransferDeps } from './download-command.js';

export interface UploadRequest {
  /** Absolute path of the file to write. */
  file: string;
  alt: string;
  target: TargetSpec;
  waitMs: number;
  json: boolean;
  /** Stop after this many bytes (the device would otherwise send the whole partition). */
  maxBytes: number | null;
  /** Overwrite an existing file. */
  force: boolean;
}

/** The command alt is read 512 bytes at a time, as CubeProgrammer does (U-Boot's reply quirk, §4.2). */
const COMMAND_ALT_READ_BYTES = 512;

/**
 * One alternate into one file, as `dfu-util -a <alt> -U <file>`: UPLOAD blocks until the device's
 * short packet (or `maxBytes`, then ABORT), streamed to disk so memory stays flat. An existing file is
 * refused without --force; a failed upload removes what it wrote. Exit 0 done, 3 failed, 2 bad input.
 */
export async function runUploadCommand(deps: AltTransferDeps, request: UploadRequest): Promise<ExitCode> {
  const { bus, clock, io } = deps;
  const timeouts = DEFAULT_STAGE_TIMEOUTS;
  const signal = io.signal;
  const identity = await findTargetBoard(bus, clock, request.target, {
    waitMs: request.waitMs,
    controlMs: timeouts.controlMs,
    ...(signal ? { signal } : {}),
  });
  const opened = await openAlt(bus, clock, identity, request.alt, {
    controlMs: timeouts.controlMs,
    ...(signal ? { signal } : {}),
  });
  let handle: FileHandle | null = null;
  let received = 0;
  let written = Promise.resolve();
  let started = false;
  const reporter = new TransferReporter(io, request.json, () => clock.nowMs());
  try {
    handle = await openOutput(request.file, request.force);
    const file = handle;
    const commandAlt = parseAltName(opened.alt.name)?.phaseId === PHASE.command;
    reporter.start({
      command: 'upload',
      file: request.file,
      alt: opened.alt,
      board: identity,
      stage: opened.stageText,
      sizeBytes: request.maxBytes,
      transferSizeBytes: commandAlt ? COMMAND_ALT_READ_BYTES : opened.client.transferSizeBytes,
    });
    started = true;
    await opened.client.upload({
      alternate: opened.alt.index,
      collect: false,
      ...(commandAlt ? { requestLengthBytes: COMMAND_ALT_READ_BYTES } : {}),
      ...(request.maxBytes !== null ? { maxBytes: request.maxBytes } : {}),
      context: `upload from alt ${opened.alt.index}`,
      onChunk: (chunk) => {
        const keep =
          request.maxBytes === null ? chunk : chunk.subarray(0, Math.max(0, request.maxBytes - received));
        const at = received;
        received += keep.length;
        if (keep.length > 0) written = written.then(() => writeAll(file, keep, at));
        reporter.progress(received);
      },
      ...(signal ? { signal } : {}),
    });
    await written;
    await file.close();
    handle = null;
    reporter.end({ ok: true, bytes: received });
    return EXIT.ok;
  } catch (error) {
    if (handle) {
      await written.catch(() => undefined);
      await handle.close().catch(() => undefined);
      await rm(request.file, { force: true });
    }
    // Nothing was transferred (the output file could not be created): bad input, not a failed transfer.
    if (!started) throw error;
    const data = isAppError(error)
      ? error.toData()
      : { code: 'internal' as const, message: String(error), hint: null, fields: {} };
    reporter.end({ ok: false, bytes: received, error: data });
    return EXIT.flashFailed;
  } finally {
    await opened.client.close();
  }
}

async function openOutput(file: string, force: boolean): Promise<FileHandle> {
  try {
    return await open(file, force ? 'w' : 'wx');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new AppError(
        'bad-input',
        `${file} already exists.`,
        { file },
        'Choose another file or pass --force.',
      );
    }
    throw new AppError('file-unwritable', `${file} cannot be written: ${(error as Error).message}`, {
      file,
      osCode: code ?? null,
    });
  }
}

async function writeAll(file: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

function parseMaxBytes(text: string | undefined): number | null {
  if (text === undefined) return null;
  const match = /^(\d+)\s*([KMG]i?B?)?$/i.exec(text.trim());
  const unit = (match?.[2] ?? '').toUpperCase().charAt(0);
  const factor = unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1;
  const bytes = match ? Number(match[1]) * factor : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new AppError('bad-input', `--size ${text}: expected a byte count like 4096, 256K or 16M.`, {
      text,
    });
  }
  return bytes;
}

/** `stm32mp-flash upload --alt <n|name|0xID> <file> [--size <bytes>] [board options]` */
export function registerUploadCommand(program: Command, io: CliIo, run: CommandRun): void {
  addAltCommandOptions(
    program
      .command('upload')
      .argument('<file>', 'the file to write (refused if it exists, unless --force)')
      .description('read one alternate setting (one partition) into a file, like dfu-util -U'),
  )
    .option('--size <bytes>', 'stop after this many bytes (256K, 16M …); default: until the device ends')
    .option('--force', 'overwrite the file if it exists')
    .action(async (file: string, options: AltCommandOptions & { size?: string; force?: boolean }) => {
      const target = targetSpecOf(options);
      const waitMs = parseWaitSeconds(options.wait);
      const maxBytes = parseMaxBytes(options.size);
      const cliBus = await openAltCommandBus(options);
      try {
        run.exitCode = await runUploadCommand(
          { bus: cliBus.bus, clock: cliBus.clock, io },
          {
            file: path.resolve(io.cwd, file),
            alt: options.alt,
            target,
            waitMs,
            json: options.json === true,
            maxBytes,
            force: options.force === true,
          },
        );
      } finally {
        await cliBus.close();
      }
    });
}
