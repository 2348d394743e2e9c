import type { LayoutSoc } from '../../../shared/domain/flash-plan.js';
import type { LayoutField, LayoutProblemCode } from '../../../shared/domain/layout-problem.js';
import { wrapStm32V1 } from '../../../main/layout/stm32-header.js';
import { UUID_TRUSTED_KEY_CERT, asciiPayload, fipImage, stm32Image } from './image-builders.js';
import { baseLayout } from './layout-workspace.js';

// One input per problem code, each producing exactly that code at a known line and field.
export type FileSpec = Uint8Array | 'directory' | 'socket';

export interface ProblemCase {
  code: LayoutProblemCode;
  layout: string | Uint8Array;
  line: number | null;
  field: LayoutField | null;
  files?: Record<string, FileSpec>;
  soc?: LayoutSoc;
  /** Other warning/error codes this input legitimately produces too. */
  also?: LayoutProblemCode[];
  /** Parse the bytes directly (for inputs loadFlashLayout refuses outright). */
  viaBytes?: boolean;
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const row = (
  opt: string,
  id: string,
  name: string,
  type: string,
  ip: string,
  offset: string,
  binary: string,
): string => [opt, id, name, type, ip, offset, binary].join('\t');
const baseLines = baseLayout().split('\n');
const withoutLine = (line: number): string => baseLines.filter((_, index) => index !== line - 1).join('\n');

export const PROBLEM_CASES: ProblemCase[] = [
  {
    code: 'not-text',
    layout: encode(baseLayout().replace('fip-boot', 'fip\x1bboot')),
    line: 3,
    field: null,
    viaBytes: true,
  },
  {
    code: 'layout-wrapped',
    layout: wrapStm32V1(encode(baseLayout())),
    line: null,
    field: null,
    viaBytes: true,
  },
  { code: 'empty-file', layout: '', line: null, field: null },
  { code: 'bom', layout: `\uFEFF${baseLayout()}`, line: 1, field: 'opt' },
  { code: 'too-many-partitions', layout: baseLayout() + '\n'.repeat(240), line: null, field: null },
  { code: 'no-partition', layout: '# only a comment\n\n', line: null, field: null },
  { code: 'header-not-comment', layout: baseLayout().replace('#Opt', 'Opt'), line: 1, field: 'opt' },
  {
    code: 'space-instead-of-tab',
    layout: baseLayout('P 0x10 rootfs FileSystem mmc0 0x00084400 rootfs.ext4'),
    line: 5,
    field: 'opt',
  },
  {
    code: 'template-placeholder',
    layout: baseLayout(row('P', '0x10', 'rootfs', 'FileSystem', '@@BOARD_DISK@@', '0x00084400', 'r.ext4')),
    line: 5,
    field: 'ip',
  },
  { code: 'too-few-fields', layout: baseLayout('P\t0x10\trootfs\tFileSystem\tmmc0'), line: 5, field: 'row' },
  {
    code: 'unknown-opt',
    layout: baseLayout(row('X', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x00084400', 'r.ext4')),
    line: 5,
    field: 'opt',
  },
  {
    code: 'opt-missing-p',
    layout: baseLayout(row('ED', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x00084400', 'r.ext4')),
    line: 5,
    field: 'opt',
  },
  {
    code: 'invalid-id',
    layout: baseLayout(row('P', '0xZZ', 'rootfs', 'FileSystem', 'mmc0', '0x00084400', 'r.ext4')),
    line: 5,
    field: 'id',
  },
  {
    code: 'id-out-of-range',
    layout: baseLayout(row('P', '0xF1', 'rootfs', 'FileSystem', 'mmc0', '0x00084400', 'r.ext4')),
    line: 5,
    field: 'id',
  },
  {
    code: 'name-too-long',
    layout: baseLayout(row('P', '0x10', 'abcdefghijklmnopq', 'FileSystem', 'mmc0', '0x00084400', 'r')),
    line: 5,
    field: 'name',
  },
  {
    code: 'unknown-type',
    layout: baseLayout(row('P', '0x10', 'rootfs', 'filesystem', 'mmc0', '0x00084400', 'r.ext4')),
    line: 5,
    field: 'type',
  },
  {
    code: 'unknown-ip',
    layout: baseLayout(row('P', '0x10', 'rootfs', 'FileSystem', 'mmc10', '0x00084400', 'r.ext4')),
    line: 5,
    field: 'ip',
  },
  {
    code: 'invalid-offset',
    layout: baseLayout(row('P', '0x10', 'rootfs', 'FileSystem', 'mmc0', 'none', 'r.ext4')),
    line: 5,
    field: 'offset',
  },
  {
    code: 'trailing-tab',
    layout: baseLayout(`${row('PE', '0x10', 'spare', 'Binary', 'mmc0', '0x00084400', 'none')}\t`),
    line: 5,
    field: 'row',
  },
  {
    code: 'too-many-fields',
    layout: baseLayout(`${row('PE', '0x10', 'spare', 'Binary', 'mmc0', '0x00084400', 'none')}\textra`),
    line: 5,
    field: 'row',
  },
  {
    code: 'id-octal',
    layout: baseLayout(row('PE', '020', 'spare', 'Binary', 'mmc0', '0x00084400', 'none')),
    line: 5,
    field: 'id',
  },
  { code: 'type-needs-recent-uboot', layout: baseLayout(), line: 3, field: 'type' },
  { code: 'selected-none-phase', layout: baseLayout().replace('-\t0x01', 'P\t0x01'), line: 2, field: 'opt' },
  {
    code: 'invalid-phase',
    layout: baseLayout(row('PE', '0x00', 'spare', 'Binary', 'mmc0', '0x00084400', 'none')),
    line: 5,
    field: 'id',
  },
  {
    code: 'duplicate-id',
    layout: baseLayout(row('PE', '0x04', 'spare', 'Binary', 'mmc0', '0x00084400', 'none')),
    line: 5,
    field: 'id',
  },
  {
    code: 'too-many-devices',
    layout: baseLayout(
      ...['mmc1', 'mmc2', 'nor0', 'nand0', 'spi-nand0'].map((ip, index) =>
        row('PE', `0x1${index}`, `p${index}`, 'Binary', ip, '0x00084400', 'none'),
      ),
    ),
    line: 9,
    field: 'ip',
  },
  {
    code: 'offset-overlap',
    layout: baseLayout(row('PE', '0x10', 'spare', 'Binary', 'mmc0', '0x00004400', 'none')),
    line: 5,
    field: 'offset',
  },
  {
    code: 'offset-below-gpt',
    layout: baseLayout(row('PE', '0x10', 'spare', 'Binary', 'mmc0', '0x00000200', 'none')),
    line: 5,
    field: 'offset',
  },
  {
    code: 'offset-misaligned',
    layout: baseLayout(row('PE', '0x10', 'spare', 'Binary', 'mmc0', '0x00084401', 'none')),
    line: 5,
    field: 'offset',
  },
  {
    code: 'boot-partition-not-mmc',
    layout: baseLayout(row('PE', '0x10', 'spare', 'Binary', 'nor0', 'boot1', 'none')),
    line: 5,
    field: 'offset',
  },
  {
    code: 'binary-copies-unsupported',
    layout: baseLayout(row('PE', '0x10', 'spare', 'Binary(2)', 'mmc0', '0x00084400', 'none')),
    line: 5,
    field: 'type',
  },
  {
    code: 'partial-update',
    layout: baseLayout(row('-', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x00084400', 'r.ext4')),
    line: 5,
    field: 'opt',
  },
  {
    code: 'value-too-large',
    layout: baseLayout(row('PE', '0x10', 'spare', 'Binary', 'mmc0', '0x20000000000000', 'none')),
    line: 5,
    field: 'offset',
  },
  {
    code: 'duplicate-boot-id',
    layout: baseLayout(row('-', '0x03', 'fip-boot2', 'FIP', 'none', '0x0', 'fip.bin')),
    line: 5,
    field: 'id',
  },
  { code: 'missing-fsbl', layout: withoutLine(2), line: null, field: null },
  { code: 'missing-fip', layout: withoutLine(3), line: null, field: null },
  {
    code: 'missing-ddr-fip',
    layout: baseLayout(),
    files: {
      'tf-a-usb.stm32': stm32Image('v2.2', asciiPayload('usb', 512)),
      'tf-a-sdcard.stm32': stm32Image('v2.2', asciiPayload('sd', 512)),
    },
    line: null,
    field: null,
  },
  {
    code: 'unused-row',
    layout: baseLayout(row('-', '0x05', 'extra', 'Binary', 'none', '0x0', 'extra.bin')),
    line: 5,
    field: 'id',
  },
  {
    code: 'missing-binary',
    layout: baseLayout(row('P', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x00084400', 'gone.ext4')),
    line: 5,
    field: 'binary',
  },
  {
    code: 'template-binary',
    layout: baseLayout(row('P', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x00084400', '%ROOTFS%')),
    line: 5,
    field: 'binary',
  },
  {
    code: 'binary-not-a-file',
    layout: baseLayout(row('P', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x00084400', 'rootfs.ext4')),
    files: { 'rootfs.ext4': 'directory' },
    line: 5,
    field: 'binary',
  },
  {
    code: 'binary-unreadable',
    layout: baseLayout(row('P', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x00084400', 'rootfs.sock')),
    files: { 'rootfs.sock': 'socket' },
    line: 5,
    field: 'binary',
  },
  {
    code: 'no-binary',
    layout: baseLayout(row('P', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x00084400', 'none')),
    line: 5,
    field: 'binary',
  },
  {
    code: 'binary-too-large',
    layout: baseLayout(
      row('P', '0x10', 'boot', 'System', 'mmc0', '0x00084400', 'big.bin'),
      row('PE', '0x11', 'next', 'Binary', 'mmc0', '0x00084600', 'none'),
    ),
    files: { 'big.bin': new Uint8Array(600) },
    line: 5,
    field: 'binary',
  },
  {
    code: 'soc-conflict',
    layout: baseLayout(row('-', '0x02', 'fip-ddr', 'FIP', 'none', '0x0', 'fip.bin')),
    line: null,
    field: null,
  },
  {
    code: 'stm32-bad-magic',
    layout: baseLayout(),
    files: { 'tf-a-usb.stm32': encode('not an image at all') },
    line: 2,
    field: 'binary',
  },
  {
    code: 'stm32-unknown-version',
    layout: baseLayout(),
    files: { 'tf-a-usb.stm32': stm32Image('v1', new Uint8Array(64), { versionWord: 0x30000 }) },
    line: 2,
    field: 'binary',
  },
  { code: 'stm32-version-mismatch', layout: baseLayout(), soc: 'mp13', line: 2, field: 'binary' },
  {
    code: 'stm32-reserved-nonzero',
    layout: baseLayout(),
    files: { 'tf-a-usb.stm32': stm32Image('v1', asciiPayload('usb', 64), { reserved1: 1 }) },
    line: 2,
    field: 'binary',
  },
  {
    code: 'stm32-truncated',
    layout: baseLayout(),
    files: { 'tf-a-usb.stm32': stm32Image('v1', asciiPayload('usb', 64), { truncateBytes: 10 }) },
    line: 2,
    field: 'binary',
  },
  {
    code: 'stm32-checksum',
    layout: baseLayout(),
    files: { 'tf-a-usb.stm32': stm32Image('v1', asciiPayload('usb', 64), { checksum: 1 }) },
    line: 2,
    field: 'binary',
  },
  {
    code: 'stm32-entry-suspicious',
    layout: baseLayout(),
    files: { 'tf-a-usb.stm32': stm32Image('v1', asciiPayload('usb', 64), { entryPoint: 0 }) },
    line: 2,
    field: 'binary',
  },
  {
    code: 'fsbl-too-large',
    layout: baseLayout(),
    files: { 'tf-a-usb.stm32': stm32Image('v1', new Uint8Array(248 * 1024)) },
    line: 2,
    field: 'binary',
  },
  {
    code: 'fsbl-not-usb',
    layout: baseLayout().replace('tf-a-usb.stm32', 'tf-a-sdcard.stm32'),
    line: 2,
    field: 'binary',
  },
  {
    code: 'fip-invalid',
    layout: baseLayout(),
    files: { 'fip.bin': fipImage({ serial: 0 }) },
    line: 3,
    field: 'binary',
  },
  {
    code: 'fip-tbb',
    layout: baseLayout(),
    files: { 'fip.bin': fipImage({ entries: [{ uuid: UUID_TRUSTED_KEY_CERT, sizeBytes: 64 }] }) },
    line: 3,
    field: 'binary',
  },
];
