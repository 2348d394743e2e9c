import type { PartitionType } from '../../shared/domain/flash-plan.js';
import type { LayoutField, LayoutProblem } from '../../shared/domain/layout-problem.js';
import { layoutProblem } from '../../shared/domain/layout-problem.js';
import {
  TYPE_SINCE,
  parseIdField,
  parseIpField,
  parseNameField,
  parseOffsetField,
  parseOptField,
  parseTypeField,
} from './field-parsers.js';
import type { FieldResult } from './field-parsers.js';
import { hex } from './layout-row.js';
import type { LayoutRow } from './layout-row.js';

/** `@@VAR@@` (Yocto/meta-lmp .tsv.in) and `%VAR%` (Buildroot) placeholders. */
export const PLACEHOLDER_PATTERN = /@@[A-Za-z0-9_]+@@|%[A-Za-z0-9_]+%/;

const COLUMN_NAMES: Record<LayoutField, string> = {
  opt: 'Opt',
  id: 'Id',
  name: 'Name',
  type: 'Type',
  ip: 'IP',
  offset: 'Offset',
  binary: 'Binary',
  row: 'Row',
};

type FailedResult = Extract<FieldResult<unknown>, { ok: false }>;

/**
 * Builds a row from one physical line's non-empty fields and reports its syntax problems: every
 * failing column (U-Boot stops at the first; a person fixing the file wants them all).
 * `typesNoted` collects types already given a `type-needs-recent-uboot` note, one per file.
 */
export function buildRow(
  line: number,
  fields: string[],
  problems: LayoutProblem[],
  typesNoted: Set<PartitionType>,
): LayoutRow {
  const at = (index: number): string | null => fields[index] ?? null;
  const row: LayoutRow = {
    line,
    fields,
    opt: fields[0] ?? '',
    id: at(1),
    name: at(2),
    type: at(3),
    ip: at(4),
    offset: at(5),
    binary: at(6),
    valid: false,
    flags: null,
    phaseId: null,
    partType: null,
    binaryCopies: null,
    isNone: null,
    device: null,
    offsetBytes: null,
    bootPartition: null,
    roomBytes: null,
  };
  let failures = 0;
  let lexicalFailure = false;
  let headerLike = false;
  const check = <T>(
    field: LayoutField,
    value: string | null,
    parser: (text: string) => FieldResult<T>,
  ): { value: T } | null => {
    if (value === null) return null;
    const outcome = parser(value);
    if (outcome.ok) return { value: outcome.value };
    failures += 1;
    const problem = classifyFailure(line, field, value, fields, outcome);
    if (problem.code === 'space-instead-of-tab' || problem.code === 'header-not-comment')
      lexicalFailure = true;
    if (problem.code === 'header-not-comment') headerLike = true;
    problems.push(problem);
    return null;
  };

  row.flags = check('opt', row.opt, parseOptField)?.value ?? null;
  // a header read as data fails in every column; one problem says it all
  if (headerLike) return row;
  const id = check('id', row.id, parseIdField)?.value ?? null;
  if (id !== null) {
    row.phaseId = id.phaseId;
    if (id.octal) {
      problems.push(
        layoutProblem(
          'id-octal',
          line,
          'id',
          `Id '${row.id}' starts with 0, so U-Boot reads it as octal: ${row.id} = ${hex(id.phaseId)}.`,
          'Write Ids in hex with a 0x prefix (e.g. 0x10).',
        ),
      );
    }
  }
  check('name', row.name, parseNameField);
  const type = check('type', row.type, parseTypeField)?.value ?? null;
  if (type !== null) {
    row.partType = type.partType;
    row.binaryCopies = type.binaryCopies;
    noteRecentType(type.partType, line, problems, typesNoted);
  }
  const device = check('ip', row.ip, parseIpField);
  if (device !== null) {
    row.device = device.value;
    row.isNone = device.value === null;
  }
  const offset = check('offset', row.offset, parseOffsetField)?.value ?? null;
  if (offset !== null) {
    row.bootPartition = offset.bootPartition;
    if (offset.offset > BigInt(Number.MAX_SAFE_INTEGER)) {
      problems.push(
        layoutProblem(
          'value-too-large',
          line,
          'offset',
          `Offset '${row.offset}' is above 2^53-1 bytes (8 PiB); it cannot be handled exactly.`,
          'Check the offset for a typo (too many digits).',
        ),
      );
    } else {
      row.offsetBytes = Number(offset.offset);
    }
  }

  checkFieldCount(row, lexicalFailure, problems);
  row.valid = failures === 0 && fields.length >= 6;
  return row;
}

function checkFieldCount(row: LayoutRow, lexicalFailure: boolean, problems: LayoutProblem[]): void {
  const count = row.fields.length;
  if (count < 6 && !lexicalFailure) {
    problems.push(
      layoutProblem(
        'too-few-fields',
        row.line,
        'row',
        `The row has ${count} column${count === 1 ? '' : 's'}; 6 are needed (Opt Id Name Type IP Offset), then Binary.`,
        row.fields.some((field) => field.includes(' '))
          ? 'Separate the columns with TABs, not spaces.'
          : 'Add the missing columns; IP none rows use Offset 0x0.',
      ),
    );
  }
  if (count > 7) {
    problems.push(
      layoutProblem(
        'too-many-fields',
        row.line,
        'row',
        `The row has ${count} columns; only 7 are used ('${row.fields.slice(7).join("', '")}' is ignored).`,
        'Remove the extra columns; a Binary path cannot contain a TAB.',
      ),
    );
  }
}

function noteRecentType(
  type: PartitionType,
  line: number,
  problems: LayoutProblem[],
  noted: Set<PartitionType>,
): void {
  const since = TYPE_SINCE[type];
  if (since === undefined || noted.has(type)) return;
  noted.add(type);
  problems.push(
    layoutProblem(
      'type-needs-recent-uboot',
      line,
      'type',
      `Type ${type} is known to U-Boot since ${since}; an older U-Boot refuses the layout ("type parsing error").`,
      'Make sure the FIP/U-Boot you flash with (0x03) is recent enough.',
    ),
  );
}

function classifyFailure(
  line: number,
  field: LayoutField,
  value: string,
  fields: readonly string[],
  failure: FailedResult,
): LayoutProblem {
  const column = COLUMN_NAMES[field];
  const trimmed = value.trim();
  if (field === 'opt' && (trimmed.startsWith('#') || /^opt$/i.test(trimmed))) {
    return layoutProblem(
      'header-not-comment',
      line,
      field,
      `This looks like a header or comment, but U-Boot reads it as a data row ('${value}' is not an option).`,
      trimmed.startsWith('#')
        ? "Remove what comes before '#': a comment starts with '#' as the first character (only TABs may precede it)."
        : "Start the header line with '#', e.g. #Opt<TAB>Id<TAB>Name<TAB>Type<TAB>IP<TAB>Offset<TAB>Binary.",
    );
  }
  if (PLACEHOLDER_PATTERN.test(value)) {
    return layoutProblem(
      'template-placeholder',
      line,
      field,
      `${column} '${value}' is an unsubstituted template placeholder; U-Boot would refuse it (${failure.ubootMessage}).`,
      'This is a template (.tsv.in / Buildroot): open the layout your build generated from it.',
    );
  }
  if (value.includes(' ')) {
    return layoutProblem(
      'space-instead-of-tab',
      line,
      field,
      `${column} '${value}' contains a space; U-Boot splits columns on TAB only (${failure.ubootMessage}).`,
      value.startsWith(' ') && fields.length >= 6
        ? 'Remove the leading space(s) from the line.'
        : 'Replace the spaces between columns with TABs.',
    );
  }
  return layoutProblem(failure.code, line, field, failure.message, failure.hint);
}
