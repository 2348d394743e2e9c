import type { PartitionType } from '../../shared/domain/flash-plan.js';
import type { LayoutProblem } from '../../shared/domain/layout-problem.js';
import { layoutProblem } from '../../shared/domain/layout-problem.js';
import { checkDevices } from './device-checks.js';
import { PHASE_LAST_USER } from './field-parsers.js';
import { lexLayout, ubootPartitionListSize } from './layout-lexer.js';
import type { LexedLine } from './layout-lexer.js';
import type { LayoutRow, ParsedLayout } from './layout-row.js';
import { buildRow } from './row-syntax.js';
import { checkSemantics } from './semantic-checks.js';
import { emulateUboot } from './uboot-emulation.js';

const BOM = '\uFEFF';

/**
 * Parses FlashLayout text the way U-Boot's stm32prog does, without any I/O and without throwing:
 * whatever the input, the result is rows plus located problems plus U-Boot's own verdict.
 */
export function parseFlashLayoutText(input: string): ParsedLayout {
  const problems: LayoutProblem[] = [];
  const lineCount = countLines(input);
  const nulAt = input.indexOf('\0');
  // U-Boot stops at the first NUL: everything after it does not exist for the device
  const text = nulAt === -1 ? input : input.slice(0, nulAt);
  if (nulAt !== -1) {
    problems.push(
      layoutProblem(
        'not-text',
        lineOf(input, nulAt),
        null,
        `NUL byte at line ${lineOf(input, nulAt)}: this is not a text file, and U-Boot stops reading there.`,
        'Open the FlashLayout .tsv, not a binary; re-save it as plain text if an editor added NULs.',
      ),
    );
  }
  if (input.length === 0) {
    problems.push(
      layoutProblem(
        'empty-file',
        null,
        null,
        'The layout is empty (0 bytes); U-Boot refuses it.',
        'Open the generated FlashLayout, not an empty placeholder.',
      ),
    );
    return { rows: [], problems, uboot: emulateUboot('', []), lineCount };
  }
  if (text.startsWith(BOM)) {
    problems.push(
      layoutProblem(
        'bom',
        1,
        'opt',
        'The file starts with a UTF-8 byte-order mark (EF BB BF); U-Boot reads it as part of the first row and refuses the layout.',
        "Save the file as UTF-8 without BOM (e.g. in VS Code: 'Save with Encoding' → UTF-8; or `sed -i '1s/^\\xEF\\xBB\\xBF//' file.tsv`).",
      ),
    );
  }
  const listSize = ubootPartitionListSize(text);
  if (listSize > PHASE_LAST_USER) {
    problems.push(
      layoutProblem(
        'too-many-partitions',
        null,
        null,
        `U-Boot counts ${listSize} possible rows (lines not starting with '#'; blank lines count), more than ${PHASE_LAST_USER} ("too many partition").`,
        "Delete blank lines and unused rows, or comment them out with '#' at the start of the line.",
      ),
    );
  }
  const lexed = lexLayout(text);
  // U-Boot receives a non-empty buffer even when a NUL comes first
  const uboot = emulateUboot(text.length === 0 ? '\0' : text, lexed);
  const rows = buildRows(stripBom(lexed), problems);
  if (rows.length === 0) {
    problems.push(
      layoutProblem(
        'no-partition',
        null,
        null,
        'The layout has no data row, only comments or blank lines ("no partition found").',
        "Data rows must not start with '#'; check that the columns are TAB-separated.",
      ),
    );
  }
  checkSemantics(rows, problems);
  checkDevices(rows, problems);
  return { rows, problems: sortProblems(problems), uboot, lineCount };
}

function buildRows(lexed: readonly LexedLine[], problems: LayoutProblem[]): LayoutRow[] {
  const rows: LayoutRow[] = [];
  const typesNoted = new Set<PartitionType>();
  lexed.forEach((lexedLine, index) => {
    const present = lexedLine.fields.filter((field) => field.value !== '');
    const first = present[0];
    if (first === undefined || first.startsWithHash) return;
    rows.push(
      buildRow(
        lexedLine.line,
        present.map((field) => field.value),
        problems,
        typesNoted,
      ),
    );
    const closing = lexedLine.fields[lexedLine.fields.length - 1];
    if (closing !== undefined && closing.value === '') {
      problems.push(trailingTabProblem(lexed, index));
    }
  });
  return rows;
}

function trailingTabProblem(lexed: readonly LexedLine[], index: number): LayoutProblem {
  const line = lexed[index]!.line;
  const next = lexed.slice(index + 1).find((later) => later.fields.some((field) => field.value !== ''));
  const effect =
    next === undefined
      ? 'U-Boot never closes this row and silently drops it (it is the last one)'
      : `U-Boot does not end the row here: it takes the first field of line ${next.line} as an extra column and misparses the rest of that line`;
  return layoutProblem(
    'trailing-tab',
    line,
    'row',
    `Line ${line} ends with a TAB after its last column. Given this file verbatim, ${effect}.`,
    'Delete the TAB(s) at the end of the line. This tool sends U-Boot a cleaned copy, so flashing from here is not affected.',
  );
}

/** The user's intent: a BOM is not part of the first field (U-Boot's view keeps it, see emulateUboot). */
function stripBom(lexed: LexedLine[]): LexedLine[] {
  const first = lexed[0]?.fields[0];
  if (first === undefined || !first.value.startsWith(BOM)) return lexed;
  const value = first.value.slice(BOM.length);
  const fields = [{ ...first, value, startsWithHash: value.startsWith('#') }, ...lexed[0]!.fields.slice(1)];
  return [{ line: 1, fields }, ...lexed.slice(1)];
}

function countLines(text: string): number {
  if (text.length === 0) return 0;
  let count = 1;
  for (let index = 0; index < text.length - 1; index += 1) if (text[index] === '\n') count += 1;
  return count;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let at = 0; at < index; at += 1) if (text[at] === '\n') line += 1;
  return line;
}

/** Orders problems by line (file-level ones first), keeping the order they were found within a line. */
export function sortProblems(problems: LayoutProblem[]): LayoutProblem[] {
  return problems
    .map((problem, order) => ({ problem, order }))
    .sort((a, b) => (a.problem.line ?? 0) - (b.problem.line ?? 0) || a.order - b.order)
    .map(({ problem }) => problem);
}
