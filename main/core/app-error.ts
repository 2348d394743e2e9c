import type { ErrorCode } from '../../shared/error-codes.js';

/**
 * The one error type inside main/. It carries a stable code (shared/error-codes.ts), structured fields
 * for the journal and the diagnosis, a hint a bench engineer can act on, and the cause.
 */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: Record<string, unknown> = {},
    readonly hint: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The JSON-shaped form that crosses IPC, the journal and `--json` output. */
  toData(): { code: ErrorCode; message: string; hint: string | null; fields: Record<string, unknown> } {
    return { code: this.code, message: this.message, hint: this.hint, fields: this.fields };
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
