/**
 * Stable error codes. They cross IPC, appear in journals, `--json` output and support bundles; the
 * renderer and the CLI turn them into words. Never rename one; add new ones at the end of a group.
 */
export const ERROR_CODES = [
  // generic
  'aborted',
  'timeout',
  'internal',
  'bad-input',
  // files and layouts
  'file-not-found',
  'file-unreadable',
  'file-unwritable',
  'not-a-file',
  'not-text',
  'layout-invalid',
  'file-too-large',
  'bundle-invalid',
  // USB access and transport
  'usb-unavailable',
  'usb-permission-denied',
  'usb-no-driver',
  'usb-busy',
  'device-gone',
  'device-not-found',
  'transfer-failed',
  'stall',
  'usb-unsupported',
  // DFU protocol
  'dfu-status-error',
  'dfu-unexpected-state',
  'dfu-descriptor-missing',
  'dfu-protocol',
  // ST layer
  'phase-error',
  'alt-not-found',
  'unknown-stage',
  // pipeline
  'wrong-board',
  'reenumeration-timeout',
  'board-reset',
  'ambiguous-target',
  'soc-mismatch',
  // production station
  'station-profile-invalid',
  'station-file-changed',
  'station-records-locked',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
