import type { Command } from 'commander';
import { Option } from 'commander';
import { resolve } from 'node:path';
import type { FlashPlan, LayoutSoc, PlannedPartition } from '../../../shared/domain/flash-plan.js';
import { planHasErrors } from '../../../shared/domain/flash-plan.js';
import type { LayoutProblem } from '../../../shared/domain/layout-problem.js';
import { countBySeverity } from '../../../shared/domain/layout-problem.js';
import { loadFlashLayout } from '../../layout/load-flash-layout.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../cli-io.js';
import { formatBytes } from '../format/format-units.js';
import type { CommandRun } from '../run-cli.js';
import { CLI_NAME } from '../run-cli.js';

interface LayoutCommandOptions {
  json?: boolean;
  hash?: boolean;
  soc?: LayoutSoc;
}

/** `stm32mp-flash layout <file.tsv> [--json] [--hash] [--soc …]`: check a layout and show the plan. */
export function registerLayoutCommand(program: Command, io: CliIo, run: CommandRun): void {
  program
    .command('layout')
    .description('check a FlashLayout and the binaries it names, and show what would be flashed')
    .argument('<file>', 'FlashLayout .tsv')
    .option('--json', 'print the plan as one JSON object')
    .option('--hash', 'also compute the SHA-256 of every binary that would be sent')
    .addOption(
      new Option('--soc <soc>', 'the SoC being flashed (checks image header versions)').choices([
        'mp15',
        'mp13',
        'mp25',
      ]),
    )
    .action(async (file: string, options: LayoutCommandOptions) => {
      const plan = await loadFlashLayout(resolve(io.cwd, file), {
        hash: options.hash === true,
        soc: options.soc ?? null,
      });
      if (options.json === true) io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
      else io.stdout(renderPlan(plan));
      const firstError = plan.problems.find((problem) => problem.severity === 'error');
      if (firstError !== undefined) {
        const errors = countBySeverity(plan.problems).error;
        io.stderr(
          `${CLI_NAME}: ${plan.layoutPath}${firstError.line === null ? '' : `:${firstError.line}`}: ${firstError.message}${errors > 1 ? ` (and ${errors - 1} more error${errors > 2 ? 's' : ''})` : ''}\n`,
        );
      }
      run.exitCode = planHasErrors(plan) ? EXIT.badInput : EXIT.ok;
    });
}

const COLUMNS = ['OPT', 'ID', 'NAME', 'TYPE', 'DEVICE', 'OFFSET', 'SIZE', 'FILE', 'STATUS'] as const;

function renderPlan(plan: FlashPlan): string {
  const lines: string[] = [`Layout: ${plan.layoutPath}`];
  lines.push(`SoC:    ${plan.soc.soc ?? 'unknown'} (${plan.soc.reason})`);
  const { uboot } = plan;
  lines.push(
    `U-Boot: ${uboot.result === 'accepted' ? `would accept it (${uboot.rowCount} rows)` : `would refuse it: ${uboot.message ?? 'empty file (-EINVAL)'}`}`,
  );
  if (plan.erase.rows > 0) {
    const unknown =
      plan.erase.unknownSizeRows > 0 ? ` + ${plan.erase.unknownSizeRows} of device-dependent size` : '';
    lines.push(`Erase:  ${plan.erase.rows} rows, ${formatBytes(plan.erase.knownBytes)}${unknown}`);
  }
  lines.push('');
  if (plan.partitions.length > 0) lines.push(...renderTable(plan.partitions), '');
  lines.push(...renderProblems(plan.problems));
  return `${lines.join('\n')}\n`;
}

function renderTable(partitions: readonly PlannedPartition[]): string[] {
  const cells = partitions.map((partition) => [
    partition.opt,
    partition.id ?? '',
    partition.name ?? '',
    partition.type ?? '',
    partition.ip ?? '',
    partition.offset ?? '',
    partition.file === null ? '-' : formatBytes(partition.file.sizeBytes),
    partition.binary ?? '',
    statusText(partition),
  ]);
  const widths = COLUMNS.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => row[column]!.length)),
  );
  const format = (row: readonly string[]): string =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [format(COLUMNS), ...cells.map(format)];
}

function statusText(partition: PlannedPartition): string {
  const boot = partition.requestedBy.filter((who) => who !== 'uboot');
  return boot.length === 0 ? partition.status : `${partition.status} (${boot.join(', ')})`;
}

function renderProblems(problems: readonly LayoutProblem[]): string[] {
  if (problems.length === 0) return ['No problems found.'];
  const counts = countBySeverity(problems);
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  const lines = [
    `Problems: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info`,
  ];
  for (const problem of problems) {
    const where =
      problem.line === null
        ? 'file'
        : `line ${problem.line}${problem.field === null ? '' : ` ${problem.field}`}`;
    lines.push(`  ${problem.severity.padEnd(7)} ${where} [${problem.code}]: ${problem.message}`);
    if (problem.hint !== null) lines.push(`          hint: ${problem.hint}`);
  }
  return lines;
}
