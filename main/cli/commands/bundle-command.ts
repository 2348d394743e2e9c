import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../core/app-error.js';
import { logDir } from '../../core/app-paths.js';
import { APP_LOG_FILE_NAME } from '../../session/app-log.js';
import { defaultBundlePath, exportSupportBundle } from '../../session/bundle/export-support-bundle.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../cli-io.js';
import { formatBytes } from '../format/format-units.js';
import type { CommandRun } from '../run-cli.js';

interface BundleOptions {
  output?: string;
  redact: boolean;
  layout?: string;
  log?: string;
  hash: boolean;
  json?: boolean;
}

/**
 * `stm32mp-flash bundle <journal.jsonl> -o <file.zip> [--no-redact]`: a support bundle from a session
 * journal. Exit 0 written, 2 bad input (journal missing or not a journal, output not writable).
 */
export function registerBundleCommand(program: Command, io: CliIo, run: CommandRun): void {
  program
    .command('bundle')
    .description(
      'make a support bundle (report, journal, layout, hashes, host facts, log) from a session journal',
    )
    .argument('<journal>', 'session journal (.jsonl), e.g. the path `flash` printed')
    .option('-o, --output <file.zip>', 'the bundle to write (default: next to the journal, .zip)')
    .option('--no-redact', 'keep home folder, user and host names (secrets are removed either way)')
    .option('--layout <file.tsv>', 'the FlashLayout, when it moved since the flash')
    .option('--log <app.log>', 'the application log to take lines from (default: the per-user log)')
    .option('--no-hash', 'record binary sizes only, skip the SHA-256 of each binary')
    .option('--json', 'print the manifest as JSON')
    .action(async (journal: string, options: BundleOptions) => {
      const journalPath = path.resolve(io.cwd, journal);
      const outputPath = options.output
        ? path.resolve(io.cwd, options.output)
        : defaultBundlePath(journalPath);
      if (!/\.zip$/i.test(outputPath)) {
        throw new AppError(
          'bad-input',
          `-o ${options.output ?? outputPath}: a support bundle is a .zip file.`,
          {
            outputPath,
          },
        );
      }
      await refuseDirectory(outputPath);
      const result = await exportSupportBundle({
        journalPath,
        outputPath,
        redact: options.redact,
        hashBinaries: options.hash,
        appLogPath: options.log
          ? path.resolve(io.cwd, options.log)
          : path.join(logDir(io.env), APP_LOG_FILE_NAME),
        env: io.env,
        ...(options.layout ? { layoutPath: path.resolve(io.cwd, options.layout) } : {}),
        ...(io.signal ? { signal: io.signal } : {}),
      });
      const { manifest } = result;
      if (options.json) {
        io.stdout(`${JSON.stringify(manifest, null, 2)}\n`);
      } else {
        const counts = manifest.redaction.counts;
        io.stdout(
          [
            `Support bundle: ${result.outputPath} (${formatBytes(result.sizeBytes)})`,
            `  session ${manifest.session.sessionId ?? '?'}: ${manifest.session.outcome}${manifest.session.symptom ? ` (${manifest.session.symptom})` : ''}`,
            ...manifest.files.map(
              (file) => `  ${file.name.padEnd(28)} ${formatBytes(file.sizeBytes).padStart(9)}`,
            ),
            manifest.redaction.enabled
              ? `  redacted: home folder ×${counts['home-folder']}, user name ×${counts['user-name']}, host name ×${counts['host-name']}`
              : '  not redacted (--no-redact): check the files before you share them',
            ...(manifest.layout.entry
              ? []
              : [`  layout not included: ${manifest.layout.unavailableReason ?? 'unavailable'}`]),
            '  Open report.html from the zip in any browser; attach the zip to a support request or forum thread.',
          ].join('\n') + '\n',
        );
      }
      run.exitCode = EXIT.ok;
    });
}

async function refuseDirectory(outputPath: string): Promise<void> {
  const info = await stat(outputPath).catch(() => null);
  if (info?.isDirectory()) {
    throw new AppError(
      'bad-input',
      `${outputPath} is a folder; give the bundle a file name ending in .zip.`,
      {
        outputPath,
      },
    );
  }
}
