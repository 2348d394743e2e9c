import { z } from 'zod';
import type { Diagnosis } from '../domain/diagnosis.js';
import { defineEvent, defineRequest, noArgs } from './channel.js';
import { boardTargetSchema, flashEventSchema } from './domain-schemas.js';
import { ipcErrorSchema } from './ipc-result.js';

const sessionIdSchema = z.string().min(1).max(80);

export const flashStartRequestSchema = z.object({
  layoutPath: z.string().min(1).max(4096),
  target: boardTargetSchema,
});

export type FlashStartRequest = z.infer<typeof flashStartRequestSchema>;

const diagnosisSchema = z.custom<Diagnosis>(
  (value) => typeof value === 'object' && value !== null && 'symptom' in value && 'causes' in value,
  'expected a Diagnosis',
);

/** What main/flash's FlashSessionResult says, as it crosses IPC. */
export const flashResultSchema = z.object({
  sessionId: z.string(),
  ok: z.boolean(),
  cancelled: z.boolean(),
  diagnosis: diagnosisSchema.nullable(),
  durationMs: z.number(),
  partitionsWritten: z.number().int(),
  bytesWritten: z.number(),
  board: boardTargetSchema,
});

export type FlashResult = z.infer<typeof flashResultSchema>;

export const flashFinishedSchema = z.object({
  sessionId: z.string(),
  /** null when the session could not run at all (then `error` says why). */
  result: flashResultSchema.nullable(),
  error: ipcErrorSchema.nullable(),
});

export type FlashFinished = z.infer<typeof flashFinishedSchema>;

/** The session the main side holds, so a reloaded window can redraw it from the start. */
export const flashSessionViewSchema = z.object({
  sessionId: z.string(),
  layoutPath: z.string(),
  target: boardTargetSchema,
  events: z.array(flashEventSchema),
  finished: flashFinishedSchema.nullable(),
  /** The session's journal on the main side (null when it could not be opened): what Export reads. */
  journalPath: z.string().nullable().default(null),
});

export type FlashSessionView = z.infer<typeof flashSessionViewSchema>;

export const FLASH_CHANNELS = {
  'flash.start': defineRequest(
    flashStartRequestSchema,
    z.object({ sessionId: z.string() }),
    'Checks the layout again and starts a flash session on the target; events follow on flash.event.',
  ),
  'flash.cancel': defineRequest(
    z.object({ sessionId: sessionIdSchema }),
    z.object({ cancelled: z.boolean() }),
    'Asks the running session to stop; it ends with a cancelled outcome.',
  ),
  'flash.current': defineRequest(
    noArgs,
    z.object({ session: flashSessionViewSchema.nullable() }),
    'The latest session with every event so far.',
  ),
} as const;

export const FLASH_EVENTS = {
  'flash.event': defineEvent(
    z.object({ sessionId: z.string(), event: flashEventSchema }),
    'Every FlashEvent of the running session, in order.',
  ),
  'flash.finished': defineEvent(flashFinishedSchema, 'The session ended (result or error).'),
} as const;
