import { resolve } from 'node:path';
import type {
  EraseSummary,
  FlashPlan,
  ImageSummary,
  LayoutSoc,
  PartitionFile,
  PlannedPartition,
} from '../../shared/domain/flash-plan.js';
import type { LayoutProblem } from '../../shared/domain/layout-problem.js';
import { layoutProblem } from '../../shared/domain/layout-problem.js';
import type { BinaryFacts } from './binary-reader.js';
import { assessImage } from './image-checks.js';
import { hex, rowLabel } from './layout-row.js';
import type { LayoutRow, ParsedLayout } from './layout-row.js';
import { sortProblems } from './parse-flash-layout.js';
import { assignRoles, isTemplateBinary, namesFile, needsFile } from './plan-roles.js';
import type { RowRole } from './plan-roles.js';
import { guessSoc } from './soc-guess.js';
import type { HeaderEvidence } from './soc-guess.js';
import { parseStm32Header } from './stm32-header.js';

export interface BuildPlanInput {
  parsed: ParsedLayout;
  /** Absolute path of the layout; binaries resolve against its folder. */
  layoutPath: string;
  layoutDir: string;
  /** What was found on disk, by resolved binary path (see binariesToRead). */
  files: ReadonlyMap<string, BinaryFacts>;
  soc: LayoutSoc | null;
}

export interface BinaryToRead {
  path: string;
  /** The ROM's FSBL: also search it for TF-A's USB strings. */
  searchUsbMarkers: boolean;
}

/** The binaries the host will send, i.e. the ones worth opening (templates and `none` excluded). */
export function binariesToRead(parsed: ParsedLayout, layoutDir: string): BinaryToRead[] {
  const wanted = new Map<string, BinaryToRead>();
  for (const [row, role] of assignRoles(parsed.rows)) {
    if (!needsFile(role) || !namesFile(row.binary) || isTemplateBinary(row.binary)) continue;
    const path = resolve(layoutDir, row.binary);
    const previous = wanted.get(path);
    wanted.set(path, {
      path,
      searchUsbMarkers: (previous?.searchUsbMarkers ?? false) || role.requestedBy.includes('rom'),
    });
  }
  return [...wanted.values()];
}

/** Turns a parsed layout plus what was found on disk into the FlashPlan. Pure. */
export function buildFlashPlan(input: BuildPlanInput): FlashPlan {
  const { parsed, layoutDir } = input;
  const problems: LayoutProblem[] = [...parsed.problems];
  const roles = assignRoles(parsed.rows);
  checkBootPhases(parsed.rows, roles, problems);

  const fileOf = new Map<LayoutRow, { path: string; facts: BinaryFacts | undefined }>();
  for (const [row, role] of roles) {
    if (!needsFile(role) || !namesFile(row.binary) || isTemplateBinary(row.binary)) continue;
    const path = resolve(layoutDir, row.binary);
    fileOf.set(row, { path, facts: input.files.get(path) });
  }
  const headers: HeaderEvidence[] = [];
  for (const [row, { facts }] of fileOf) {
    if (facts?.state !== 'ok') continue;
    const header = parseStm32Header(facts.head);
    if (header.ok) headers.push({ line: row.line, name: row.name, version: header.header.version });
  }
  const { guess, conflict } = guessSoc(parsed.rows, input.layoutPath, headers, input.soc);
  if (conflict !== null) {
    problems.push(
      layoutProblem(
        'soc-conflict',
        null,
        null,
        `The layout and its images point at different SoCs: ${conflict.join('; ')}.`,
        'Use images built for one SoC; pass --soc to say which one is right.',
      ),
    );
  }
  if (guess.soc === 'mp25' && !parsed.rows.some((row) => row.valid && row.phaseId === 0x02)) {
    problems.push(
      layoutProblem(
        'missing-ddr-fip',
        null,
        null,
        `STM32MP2 layout (${guess.reason}) without a 0x02 row: TF-A asks for the DDR FIP before the FIP.`,
        'Add the row  -<TAB>0x02<TAB>fip-ddr<TAB>FIP<TAB>none<TAB>0x0<TAB>fip-ddr-…-usb.bin  (unless this is a bare-metal FSBL-only flow).',
      ),
    );
  }
  const laterStages = parsed.rows.some((row) => row.valid && (row.phaseId === 0x03 || row.isNone === false));
  const partitions = parsed.rows.map((row) => {
    const role = roles.get(row)!;
    const entry = fileOf.get(row);
    const { file, image } = fileAndImage(
      row,
      role,
      entry,
      { givenSoc: input.soc, soc: guess.soc, laterStages },
      problems,
    );
    return toPartition(row, role, file, image);
  });
  const erase = summarizeErase(parsed.rows);
  return {
    layoutPath: input.layoutPath,
    partitions: orderForDevice(partitions),
    soc: guess,
    uboot: parsed.uboot,
    erase,
    eraseWorkBytes: erase.knownBytes,
    problems: sortProblems(problems),
  };
}

function checkBootPhases(
  rows: readonly LayoutRow[],
  roles: ReadonlyMap<LayoutRow, RowRole>,
  problems: LayoutProblem[],
): void {
  // a row whose Id parsed counts even if another column is broken: that row already has its problem
  const hasPhase = (phase: number): boolean => rows.some((row) => row.phaseId === phase);
  if (rows.length > 0 && !hasPhase(0x01)) {
    problems.push(
      layoutProblem(
        'missing-fsbl',
        null,
        null,
        'No 0x01 row: the ROM asks for the FSBL (phase 0x01) first and there is nothing to send.',
        'Add the row  -<TAB>0x01<TAB>fsbl-boot<TAB>Binary<TAB>none<TAB>0x0<TAB>tf-a-…-usb.stm32',
      ),
    );
  } else if (!hasPhase(0x03) && rows.some((row) => row.isNone === false)) {
    problems.push(
      layoutProblem(
        'missing-fip',
        null,
        null,
        'No 0x03 row: after the FSBL, TF-A asks for the FIP (U-Boot) and there is nothing to send, so device rows cannot be flashed.',
        'Add the row  -<TAB>0x03<TAB>fip-boot<TAB>FIP<TAB>none<TAB>0x0<TAB>fip-…-usb.bin',
      ),
    );
  }
  for (const [row, role] of roles) {
    if (
      row.valid &&
      row.isNone === false &&
      row.flags?.program === true &&
      !row.flags.empty &&
      !namesFile(row.binary)
    ) {
      problems.push(
        layoutProblem(
          'no-binary',
          row.line,
          'binary',
          `${rowLabel(row)} is selected for programming (${row.opt}) but its Binary is ${row.binary === null ? 'missing' : "'none'"}: the partition is created and left unwritten.`,
          'Name the file to write, or write PE (create empty) to say so.',
        ),
      );
    }
    if (role.status !== 'unused' || row.phaseId === null || row.phaseId <= 0x03) continue;
    problems.push(
      layoutProblem(
        'unused-row',
        row.line,
        'id',
        `IP none row ${hex(row.phaseId)}: only 0x01 (ROM) and 0x02/0x03 (TF-A) are requested, so this file is never sent.`,
        'Put the row on a device (IP) or delete it.',
      ),
    );
  }
}

function fileAndImage(
  row: LayoutRow,
  role: RowRole,
  entry: { path: string; facts: BinaryFacts | undefined } | undefined,
  context: Parameters<typeof assessImage>[4],
  problems: LayoutProblem[],
): { file: PartitionFile | null; image: ImageSummary | null } {
  const push = (code: Parameters<typeof layoutProblem>[0], message: string, hint: string): void => {
    problems.push(layoutProblem(code, row.line, 'binary', message, hint));
  };
  if (!needsFile(role)) return { file: null, image: null };
  const bootStage = role.requestedBy.find((who) => who !== 'uboot');
  if (!namesFile(row.binary)) {
    if (bootStage !== undefined) {
      push(
        'missing-binary',
        `${rowLabel(row)}: Binary is ${row.binary === null ? 'missing' : "'none'"}, but the ${bootStage === 'rom' ? 'ROM' : 'TF-A'} asks for phase ${hex(row.phaseId ?? 0)}.`,
        'Give the file to send in the 7th column.',
      );
    }
    return { file: null, image: null };
  }
  if (isTemplateBinary(row.binary)) {
    push(
      'template-binary',
      `Binary '${row.binary}' is an unsubstituted template placeholder.`,
      'This is a template: open the layout your build generated from it.',
    );
    return { file: null, image: null };
  }
  const facts = entry?.facts;
  const path = entry?.path ?? row.binary;
  if (facts === undefined || facts.state === 'missing') {
    push(
      'missing-binary',
      `Binary '${row.binary}' not found (looked for ${path}).`,
      'Binaries are resolved relative to the layout’s folder; copy the file there or fix the path.',
    );
    return { file: null, image: null };
  }
  if (facts.state === 'not-a-file') {
    push(
      'binary-not-a-file',
      `Binary '${row.binary}' is ${facts.what} (${path}).`,
      'Point the Binary column at a file.',
    );
    return { file: null, image: null };
  }
  if (facts.state === 'unreadable') {
    push(
      'binary-unreadable',
      `Binary '${row.binary}' cannot be read: ${facts.message}.`,
      'Check the file permissions.',
    );
    return { file: null, image: null };
  }
  const file: PartitionFile = { path, sizeBytes: facts.sizeBytes, sha256: facts.sha256 };
  const totalBytes = facts.sizeBytes * Math.max(row.binaryCopies ?? 1, 1);
  if (role.status === 'program' && row.roomBytes !== null && totalBytes > row.roomBytes) {
    push(
      'binary-too-large',
      `${rowLabel(row)}: ${totalBytes} bytes${(row.binaryCopies ?? 1) > 1 ? ` (${row.binaryCopies} copies)` : ''} do not fit the ${row.roomBytes} bytes up to the next partition on ${row.ip ?? ''}.`,
      'Use a smaller image or move the next partition further.',
    );
  }
  return { file, image: assessImage(row, role, path, facts, context, problems) };
}

function toPartition(
  row: LayoutRow,
  role: RowRole,
  file: PartitionFile | null,
  image: ImageSummary | null,
): PlannedPartition {
  return {
    line: row.line,
    opt: row.opt,
    id: row.id,
    name: row.name,
    type: row.type,
    ip: row.ip,
    offset: row.offset,
    binary: row.binary,
    phaseId: row.phaseId,
    flags: row.flags ?? { program: false, empty: false, delete: false },
    partType: row.partType,
    binaryCopies: row.binaryCopies,
    device: row.device,
    offsetBytes: row.offsetBytes,
    bootPartition: row.bootPartition,
    file,
    roomBytes: row.roomBytes,
    image,
    status: role.status,
    requestedBy: role.requestedBy,
  };
}

/** ROM/TF-A rows by Id, then device rows by Id (the order U-Boot's alts are asked for), then invalid rows. */
function orderForDevice(partitions: PlannedPartition[]): PlannedPartition[] {
  const group = (partition: PlannedPartition): number =>
    partition.status === 'invalid' ? 2 : partition.device === null ? 0 : 1;
  return [...partitions].sort(
    (a, b) => group(a) - group(b) || (a.phaseId ?? 0) - (b.phaseId ?? 0) || a.line - b.line,
  );
}

function summarizeErase(rows: readonly LayoutRow[]): EraseSummary {
  const summary: EraseSummary = { knownBytes: 0, unknownSizeRows: 0, fullDeviceRows: 0, rows: 0 };
  for (const row of rows) {
    if (!row.valid || row.device === null || !row.flags?.delete) continue;
    summary.rows += 1;
    if (row.partType === 'RawImage') summary.fullDeviceRows += 1;
    if (row.roomBytes === null) summary.unknownSizeRows += 1;
    else summary.knownBytes += row.roomBytes;
  }
  return summary;
}
