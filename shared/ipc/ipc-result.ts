import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../error-codes.js';

/**
 * Errors cross the IPC boundary as data, never as thrown text: Electron's `invoke` keeps only an
 * error's message, and the renderer needs the stable code to pick its words and the hint to act on.
 */
export interface IpcError {
  code: ErrorCode;
  message: string;
  hint: string | null;
  fields: Record<string, unknown>;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export const ipcErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  hint: z.string().nullable(),
  fields: z.record(z.string(), z.unknown()),
});

/** Checks the envelope only; the value is checked against the channel's response schema. */
export const ipcResultEnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ipcErrorSchema }),
]);

export function ipcOk<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}

export function ipcFail(
  code: ErrorCode,
  message: string,
  hint: string | null = null,
  fields: Record<string, unknown> = {},
): { ok: false; error: IpcError } {
  return { ok: false, error: { code, message, hint, fields } };
}
