import type { ErrorCode } from '../../shared/error-codes.js';

interface NoteError {
  code: ErrorCode;
  message: string;
  hint: string | null;
  fields: Record<string, unknown>;
}

/**
 * Things the bus watcher noticed that are not connect/disconnect but belong in a journal or a support
 * bundle. Delivered through `UsbBackend.subscribeNotes`, in bus order, each right before the bus event
 * of the identity it concerns.
 */
export type UsbBusNote =
  /**
   * The same port path came back with another serial ('changed', including one appearing where there
   * was none) or without one ('vanished'). Remembered per port for the backend's lifetime, across
   * disconnects: that is the point, a re-enumeration is a disconnect followed by a connect.
   */
  | {
      type: 'serial-changed';
      change: 'changed' | 'vanished';
      portPath: string;
      previousSerial: string | null;
      serial: string | null;
      connectionId: string;
      seenAtMs: number;
    }
  /** Part of an identity could not be read (strings, or the alternate names of interface 0). */
  | {
      type: 'identity-incomplete';
      what: 'strings' | 'alt-names';
      connectionId: string;
      portPath: string;
      error: NoteError;
    }
  /** The OS gave no port chain, so this port path names the enumeration, not the physical socket. */
  | { type: 'unstable-port-path'; connectionId: string; portPath: string }
  /** The watcher could not start or stopped (no USB, library missing). `list()` reports the same error. */
  | { type: 'watch-failed'; error: NoteError };

export type UsbBusNoteListener = (note: UsbBusNote) => void;
