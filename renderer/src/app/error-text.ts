import type { ErrorCode } from '../../../shared/error-codes.js';
import type { IpcError } from '../../../shared/ipc/ipc-result.js';

/**
 * The one table that turns stable error codes into a headline; the message and hint say the rest. Partial
 * so a code added on the main side never breaks the renderer's build: it shows a generic headline.
 */
const HEADLINES: Partial<Record<ErrorCode, string>> = {
  aborted: 'Cancelled',
  timeout: 'Took too long',
  internal: 'Something went wrong inside the app',
  'bad-input': 'That cannot be done',
  'file-not-found': 'File not found',
  'file-unreadable': 'The file cannot be read',
  'file-unwritable': 'The file cannot be written',
  'not-a-file': 'Not a file',
  'not-text': 'Not a text FlashLayout',
  'layout-invalid': 'The layout has errors',
  'file-too-large': 'The file is too large to be a FlashLayout',
  'usb-unavailable': 'USB is not available',
  'usb-permission-denied': 'Not allowed to open the board',
  'usb-no-driver': 'No driver for the board',
  'usb-busy': 'Another program holds the board',
  'device-gone': 'The board left the bus',
  'device-not-found': 'Board not found',
  'transfer-failed': 'A USB transfer failed',
  stall: 'The board refused a request',
  'usb-unsupported': 'Not supported on this system',
  'dfu-status-error': 'The board reported a DFU error',
  'dfu-unexpected-state': 'The board is in an unexpected DFU state',
  'dfu-descriptor-missing': 'The board has no DFU descriptor',
  'dfu-protocol': 'DFU protocol error',
  'phase-error': 'The board reported an error',
  'alt-not-found': 'The board does not offer that partition',
  'unknown-stage': 'Unknown boot stage',
  'wrong-board': 'A different board answered',
  'reenumeration-timeout': 'The board did not come back',
  'board-reset': 'The board reset',
  'ambiguous-target': 'More than one board: pick one',
  'soc-mismatch': 'The layout is for another SoC',
  'bundle-invalid': 'Not a valid support bundle',
  'station-profile-invalid': 'The station profile is not valid',
  'station-file-changed': 'A station file changed on disk',
  'station-records-locked': 'The station records are in use',
};

export function errorHeadline(error: Pick<IpcError, 'code'>): string {
  return HEADLINES[error.code] ?? 'Error';
}
