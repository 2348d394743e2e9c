import { z } from 'zod';
import { defineEvent, defineRequest, noArgs } from './channel.js';
import { boardIdentitySchema, identityStageSchema, stageInfoSchema } from './domain-schemas.js';

/** A board on the bus now, as the ST layer reads its identity. */
export const busBoardSchema = z.object({
  identity: boardIdentitySchema,
  info: stageInfoSchema,
  /** A flash session is following this port path. */
  flashing: z.boolean(),
});

export type BusBoard = z.infer<typeof busBoardSchema>;

/**
 * One entry of the enumeration log. `identity` is an arrival on a port whose previous identity left
 * moments before: the same board re-enumerating into its next boot stage.
 */
export const busLogEntrySchema = z.object({
  seq: z.number().int(),
  kind: z.enum(['attach', 'detach', 'identity']),
  /** Wall clock, ISO 8601. */
  at: z.string(),
  /** Monotonic ms since the app started. */
  tMs: z.number(),
  identity: boardIdentitySchema,
  info: stageInfoSchema,
  /** For `identity`: what this port was before, how long it was gone, what its serial did. */
  change: z
    .object({
      fromStage: identityStageSchema,
      gapMs: z.number(),
      serial: z.enum(['same', 'changed', 'vanished', 'appeared']),
    })
    .nullable(),
});

export type BusLogEntry = z.infer<typeof busLogEntrySchema>;

export const boardsSnapshotSchema = z.object({
  boards: z.array(busBoardSchema),
  /** The most recent enumeration events, oldest first (bounded). */
  log: z.array(busLogEntrySchema),
});

export type BoardsSnapshot = z.infer<typeof boardsSnapshotSchema>;

export const BOARDS_CHANNELS = {
  'boards.list': defineRequest(
    noArgs,
    boardsSnapshotSchema,
    'Boards on the bus now and the recent enumeration log.',
  ),
} as const;

export const BOARDS_EVENTS = {
  'boards.changed': defineEvent(
    z.object({ boards: z.array(busBoardSchema) }),
    'The set of boards on the bus changed.',
  ),
  'boards.log': defineEvent(busLogEntrySchema, 'One attach / detach / identity event of any board.'),
} as const;
