import type { Command } from 'commander';
import path from 'node:path';
import { AppError, isAppError } from '../../core/app-error.js';
import type { Clock } from '../../core/clock.js';
import { openFileBlockSource } from '../../dfu/file-block-source.js';
import { DEFAULT_STAGE_TIMEOUTS } from '../../flash/stage-timeouts.js';
import type { UsbBus } from '../../transport/usb-transport.js';
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

export interface AltTransferDeps {
  bus: UsbBus;
  clock: Clock;
  io: CliIo;
}

export interface DownloadRequest {
  /** Absolute path of the file to send. */
  file: string;
  alt: string;
  target: TargetSpec;
  waitMs: number;
  json: boolean;
}

/**
 * One file into one alternate, as `dfu-util -a <alt> -D <file>` does it: SET_INTERFACE, dfuIDLE,
 * DNLOAD blocks of wTransferSize (from the functional descriptor), the zero-length DNLOAD, GETSTATUS
 * until the end state of the stage (dfuIDLE, or dfuMANIFEST on the MP15 ROM, from the quirks table).
 * No GetPhase, no DETACH: the board stays where it is. Exit 0 done, 3 the transfer failed, 2 bad input.
 */
export async function runDownloadCommand(deps: AltTransferDeps, request: DownloadRequest): Promise<ExitCode> {
  const { bus, clock, io } = deps;
  const timeouts = DEFAULT_STAGE_TIMEOUTS;
  const signal = io.signal;
  const source = await openFileBlockSource(request.file);
  if (source.sizeBytes === 0) {
    throw new AppError('bad-input', `${request.file} is empty: there is nothing to download.`, {
      file: request.file,
    });
  }
  const identity = await findTargetBoard(bus, clock, request.target, {
    waitMs: request.waitMs,
    controlMs: timeouts.controlMs,
    ...(signal ? { signal } : {}),
  });
  const opened = await openAlt(bus, clock, identity, request.alt, {
    controlMs: timeouts.controlMs,
    ...(signal ? { signal } : {}),
  });
  const reporter = new TransferReporter(io, request.json, () => clock.nowMs());
  let sent = 0;
  try {
    reporter.start({
      command: 'download',
      file: request.file,
      alt: opened.alt,
      board: identity,
      stage: opened.stageText,
      sizeBytes: source.sizeBytes,
      transferSizeBytes: opened.client.transferSizeBytes,
    });
    await opened.client.download({
      alternate: opened.alt.index,
      source,
      totalBytes: source.sizeBytes,
      end: opened.downloadEnd,
      dnloadTimeoutMs: timeouts.drainMs,
      manifestStatusTimeoutMs: timeouts.drainMs,
      context: `download to alt ${opened.alt.index}`,
      onProgress: (bytes) => {
        sent = bytes;
        reporter.progress(bytes);
      },
      ...(signal ? { signal } : {}),
    });
    reporter.end({ ok: true, bytes: sent });
    return EXIT.ok;
  } catch (error) {
    const data = isAppError(error)
      ? error.toData()
      : { code: 'internal' as const, message: String(error), hint: null, fields: {} };
    reporter.end({ ok: false, bytes: sent, error: data });
    return EXIT.flashFailed;
  } finally {
    await opened.client.close();
  }
}

/** `stm32mp-flash download --alt <n|name|0xID> <file> [-c port=usb1 | --port <path> | --serial <sn>] [--sim <soc>]` */
export function registerDownloadCommand(program: Command, io: CliIo, run: CommandRun): void {
  addAltCommandOptions(
    program
      .command('download')
      .argument('<file>', 'the file to send')
      .description('send one file to one alternate setting (one partition), like dfu-util -D'),
  ).action(async (file: string, options: AltCommandOptions) => {
    const target = targetSpecOf(options);
    const waitMs = parseWaitSeconds(options.wait);
    const cliBus = await openAltCommandBus(options);
    try {
      run.exitCode = await runDownloadCommand(
        { bus: cliBus.bus, clock: cliBus.clock, io },
        { file: path.resolve(io.cwd, file), alt: options.alt, target, waitMs, json: options.json === true },
      );
    } finally {
      await cliBus.close();
    }
  });
}
