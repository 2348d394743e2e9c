import { basename } from 'node:path';
import type { ImageSummary, LayoutSoc } from '../../shared/domain/flash-plan.js';
import type { LayoutProblem } from '../../shared/domain/layout-problem.js';
import { layoutProblem } from '../../shared/domain/layout-problem.js';
import type { BinaryFacts } from './binary-reader.js';
import { looksLikeFip, parseFipToc } from './fip-toc.js';
import { hex } from './layout-row.js';
import type { LayoutRow } from './layout-row.js';
import type { RowRole } from './plan-roles.js';
import { STM32_VERSION_FOR_SOC, parseStm32Header } from './stm32-header.js';
import type { Stm32Header } from './stm32-header.js';

/** ROM limits for the FSBL payload (protocol §6.2, W3). MP25's is not documented, so not checked. */
export const FSBL_LIMIT_BYTES: Partial<Record<LayoutSoc, number>> = { mp15: 247 * 1024, mp13: 128 * 1024 };

/**
 * File-name tokens of FSBLs that keep talking USB after the ROM: TF-A's `-usb`/`-programmer` builds,
 * ecosystem-v1 `-trusted` TF-A (one build did USB and SD), STM32CubeProgrammer's own
 * `…Serial_Boot` / STM32PRGFW loaders.
 */
const USB_FSBL_NAME = /(^|[-_.])(usb|programmer|serial_?boot|trusted)([-_.]|$)|stm32prgfw/i;

type ReadableFacts = Extract<BinaryFacts, { state: 'ok' }>;

export interface ImageCheckContext {
  /** SoC from --soc: a header version that disagrees is an error. */
  givenSoc: LayoutSoc | null;
  /** Best guess, used for limits only. */
  soc: LayoutSoc | null;
  /** The layout goes on after the FSBL (0x03 or device rows), so the FSBL must keep the USB link. */
  laterStages: boolean;
}

type Expectation = 'stm32' | 'fip' | 'fip-or-stm32' | 'any';

function expectationFor(row: LayoutRow, role: RowRole): Expectation {
  if (role.requestedBy.includes('rom')) return 'stm32';
  if (role.requestedBy.includes('tfa')) return row.phaseId === 0x02 ? 'fip' : 'fip-or-stm32';
  if (row.partType === 'FIP') return 'fip';
  if ((row.name ?? '').startsWith('fsbl') && (row.phaseId ?? 0x10) < 0x10) return 'stm32';
  return 'any';
}

/** Checks one binary's header bytes and streamed facts; pushes problems, returns the summary. */
export function assessImage(
  row: LayoutRow,
  role: RowRole,
  filePath: string,
  facts: ReadableFacts,
  context: ImageCheckContext,
  problems: LayoutProblem[],
): ImageSummary {
  const push = (code: Parameters<typeof layoutProblem>[0], message: string, hint: string): void => {
    problems.push(layoutProblem(code, row.line, 'binary', `${basename(filePath)}: ${message}`, hint));
  };
  const summary: ImageSummary = { kind: 'raw', stm32: null, fip: null, looksLikeUsbFsbl: null };
  const expectation = expectationFor(row, role);
  const stm32 = parseStm32Header(facts.head);
  if (stm32.ok) {
    summary.kind = 'stm32';
    summary.stm32 = checkStm32(stm32.header, facts, role, context, push);
    if (role.requestedBy.includes('rom') && row.isNone && context.laterStages) {
      summary.looksLikeUsbFsbl = USB_FSBL_NAME.test(basename(filePath)) || facts.usbMarkerFound === true;
      if (!summary.looksLikeUsbFsbl) {
        push(
          'fsbl-not-usb',
          `phase 0x01 does not look like TF-A's USB build (no -usb/-programmer in the name, no DFU strings inside); an SD/eMMC build boots from that device instead of continuing over USB.`,
          'Use the tf-a-<board>-usb.stm32 (or -programmer) file for the 0x01 row.',
        );
      }
    }
  } else if (stm32.reason !== 'bad-magic') {
    summary.kind = 'stm32';
    const truncated = stm32.reason === 'too-short';
    push(
      truncated ? 'stm32-truncated' : 'stm32-unknown-version',
      `STM32 header: ${stm32.message}.`,
      truncated
        ? 'The file is cut short; copy it again.'
        : 'Use an image built for STM32MP1/MP13/MP2 with ST tools.',
    );
  } else if (looksLikeFip(facts.head)) {
    summary.kind = 'fip';
    const toc = parseFipToc(facts.head, facts.sizeBytes);
    if (!toc.ok || toc.problem !== null) {
      push(
        'fip-invalid',
        `FIP ${toc.ok ? toc.problem : toc.message}.`,
        'Rebuild or copy the FIP again (fiptool info shows its TOC).',
      );
    }
    if (toc.ok) {
      summary.fip = {
        serialNumber: toc.serialNumber,
        entryCount: toc.entries.length,
        certificates: toc.certificates,
      };
      if (toc.certificates.length > 0) {
        push(
          'fip-tbb',
          `the FIP carries trusted-board-boot certificates (${toc.certificates.join(', ')}); TF-A authenticates the chain against the board's root-of-trust key.`,
          'Flash it only to boards provisioned (or left open) for these keys.',
        );
      }
    }
  }
  reportUnexpectedKind(expectation, summary.kind, facts, push);
  return summary;
}

function reportUnexpectedKind(
  expectation: Expectation,
  kind: ImageSummary['kind'],
  facts: ReadableFacts,
  push: (code: 'stm32-bad-magic' | 'fip-invalid', message: string, hint: string) => void,
): void {
  const start = Array.from(facts.head.subarray(0, 4), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
  const seen =
    kind === 'fip'
      ? 'it is a FIP'
      : kind === 'stm32'
        ? 'it is an STM32 image'
        : facts.sizeBytes === 0
          ? 'the file is empty'
          : `it starts with ${start}`;
  const fits =
    expectation === 'any' ||
    (expectation === 'stm32' && kind === 'stm32') ||
    (expectation === 'fip' && kind === 'fip') ||
    (expectation === 'fip-or-stm32' && kind !== 'raw');
  if (fits) return;
  if (expectation === 'stm32') {
    push(
      'stm32-bad-magic',
      `expected an STM32 image (magic "STM2"), but ${seen}.`,
      'Use the .stm32 file TF-A/ST tools produced, not the raw .bin.',
    );
  } else if (expectation === 'fip') {
    push(
      'fip-invalid',
      `expected a FIP (TOC 0xAA640001), but ${seen}.`,
      'Use the fip-*.bin file built by fiptool.',
    );
  } else if (expectation === 'fip-or-stm32') {
    push(
      'fip-invalid',
      `expected a FIP or an STM32 image for phase 0x03, but ${seen}.`,
      'Use the fip-*.bin (or u-boot.stm32 on old layouts).',
    );
  }
}

function checkStm32(
  header: Stm32Header,
  facts: ReadableFacts,
  role: RowRole,
  context: ImageCheckContext,
  push: (code: Parameters<typeof layoutProblem>[0], message: string, hint: string) => void,
): NonNullable<ImageSummary['stm32']> {
  const payloadEnd = header.headerBytes + header.imageLengthBytes;
  if (header.nonZeroReserved.length > 0 || header.extensionProblem !== null) {
    const what = [
      ...header.nonZeroReserved.map((field) => `${field} is not 0`),
      header.extensionProblem ?? [],
    ].flat();
    push(
      'stm32-reserved-nonzero',
      `STM32 header ${header.version}: ${what.join('; ')}.`,
      'The header is corrupt or not made by ST tools; rebuild the image.',
    );
  }
  if (payloadEnd > facts.sizeBytes) {
    push(
      'stm32-truncated',
      `header + image_length = ${payloadEnd} bytes, but the file has ${facts.sizeBytes}.`,
      'The file is cut short; copy it again.',
    );
  } else if (facts.payloadChecksum !== null && facts.payloadChecksum !== header.checksum) {
    push(
      'stm32-checksum',
      `payload checksum is ${hex(facts.payloadChecksum, 8)}, the header says ${hex(header.checksum, 8)}; the ROM/U-Boot will refuse it.`,
      'The file is corrupt or was modified after signing; copy or rebuild it.',
    );
  }
  const expected = context.givenSoc === null ? null : STM32_VERSION_FOR_SOC[context.givenSoc];
  if (expected !== null && expected !== header.version) {
    push(
      'stm32-version-mismatch',
      `STM32 header ${header.version}, but ${context.givenSoc} images use ${expected}.`,
      'Use images built for this SoC, or check --soc.',
    );
  }
  const { entryPoint, loadAddress, imageLengthBytes } = header;
  if (
    entryPoint === 0 ||
    (loadAddress !== 0 &&
      (entryPoint < loadAddress || entryPoint >= loadAddress + Math.max(imageLengthBytes, 1)))
  ) {
    push(
      'stm32-entry-suspicious',
      `entry point ${hex(entryPoint, 8)} is ${entryPoint === 0 ? 'zero' : `outside the loaded image ${hex(loadAddress, 8)}..+${imageLengthBytes}`}.`,
      'Check the -e/-l arguments given to stm32image/mkimage.',
    );
  }
  const limit = context.soc === null ? undefined : FSBL_LIMIT_BYTES[context.soc];
  if (role.requestedBy.includes('rom') && limit !== undefined && imageLengthBytes > limit) {
    push(
      'fsbl-too-large',
      `FSBL payload is ${imageLengthBytes} bytes; the ${context.soc} ROM loads at most ${limit}.`,
      'Use a smaller TF-A build (e.g. disable debug/logging).',
    );
  }
  return {
    version: header.version,
    headerBytes: header.headerBytes,
    imageLengthBytes,
    entryPoint,
    loadAddress,
    binaryType: header.binaryType,
    checksumOk:
      payloadEnd > facts.sizeBytes || facts.payloadChecksum === null
        ? null
        : facts.payloadChecksum === header.checksum,
  };
}
