import type { FlashPlan } from '../../../shared/domain/flash-plan.js';
import type { CliIo } from '../cli-io.js';

/** Refusing to flash a layout with errors: every error located, with its hint, and nothing sent. */
export function printLayoutProblems(io: CliIo, plan: FlashPlan, json: boolean): void {
  const errors = plan.problems.filter((p) => p.severity === 'error');
  if (json) {
    io.stdout(
      `${JSON.stringify({ type: 'outcome', ok: false, symptom: null, causes: [], problems: errors })}\n`,
    );
    return;
  }
  io.stderr(
    `stm32mp-flash: ${plan.layoutPath} has ${errors.length} error(s); nothing was sent to a board.\n`,
  );
  for (const problem of errors) {
    const where =
      problem.line === null ? 'file' : `line ${problem.line}${problem.field ? ` ${problem.field}` : ''}`;
    io.stderr(`  ${where} [${problem.code}]: ${problem.message}\n`);
    if (problem.hint) io.stderr(`    hint: ${problem.hint}\n`);
  }
  io.stderr(`  Run \`stm32mp-flash layout ${plan.layoutPath}\` for the whole plan.\n`);
}
