import { z } from 'zod';
import type { LockAction, PinCheckResult, StationEvent, StationSnapshot } from '../domain/station.js';
import { defineEvent, defineRequest, noArgs } from './channel.js';

const LOCK_ACTIONS = [
  'check',
  'leave-operator-mode',
  'switch-profile',
  'clear-counters',
] as const satisfies readonly LockAction[];
const STATION_EVENT_TYPES = [
  'slot',
  'counters',
  'unassigned',
  'blocked',
  'verified',
  'unit-recorded',
  'pin',
] as const satisfies readonly StationEvent['type'][];

/** Any text: a wrong PIN must reach the lock (and count as an attempt); the bound keeps a pasted novel out of scrypt. */
const pinSchema = z.string().min(1).max(256);

// The snapshot and the events are built by the engine from typed data; the client checks their
// outer shape so a renderer of another build fails loudly rather than drawing half a station.
const stationSnapshotSchema = z.custom<StationSnapshot>(
  (value) =>
    z
      .object({
        profile: z.object({ name: z.string(), layoutSha256: z.string() }),
        slots: z.array(z.object({ label: z.string(), portPath: z.string(), state: z.string() })),
        counters: z.object({ passed: z.number(), failed: z.number() }),
        unassigned: z.array(z.object({ portPath: z.string() })),
      })
      .safeParse(value).success,
  'expected a StationSnapshot',
);

const stationEventSchema = z.custom<StationEvent>(
  (value) => z.object({ type: z.enum(STATION_EVENT_TYPES) }).safeParse(value).success,
  'expected a StationEvent',
);

export const pinCheckResultSchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), retryAfterMs: z.number().nonnegative() }),
]) satisfies z.ZodType<PinCheckResult>;

const startResultSchema = z.object({
  started: z.array(z.string()),
  blocked: z
    .object({ code: z.string(), message: z.string(), hint: z.string().nullable(), at: z.string() })
    .nullable(),
});

export const stationViewSchema = z.object({
  /** null: the app was not started with --station (the bench views). */
  snapshot: stationSnapshotSchema.nullable(),
  /** Operator mode: the bench views stay closed until the admin PIN unlocks them. */
  locked: z.boolean(),
});

export type StationView = z.infer<typeof stationViewSchema>;

export const STATION_CHANNELS = {
  'station.snapshot': defineRequest(
    noArgs,
    stationViewSchema,
    'The station opened with --station (slots, counters, notices), or null in bench mode.',
  ),
  'station.startAll': defineRequest(
    noArgs,
    startResultSchema,
    'Starts every ready slot in one round (the pinned files are re-hashed first).',
  ),
  'station.startSlot': defineRequest(
    z.object({ label: z.string().min(1).max(40) }),
    startResultSchema,
    'Starts one slot (a ready one, or a deliberate retry of a finished one).',
  ),
  'station.authorize': defineRequest(
    z.object({ action: z.enum(LOCK_ACTIONS), pin: pinSchema }),
    pinCheckResultSchema,
    'Checks the admin PIN for an action; a refusal says how long the back-off runs.',
  ),
  'station.clearCounters': defineRequest(
    z.object({ pin: pinSchema }),
    pinCheckResultSchema,
    'Clears the shift counters behind the admin PIN.',
  ),
  'station.leave': defineRequest(
    z.object({ pin: pinSchema }),
    pinCheckResultSchema,
    'Leaves operator mode behind the admin PIN: the bench views open.',
  ),
  'station.lock': defineRequest(
    noArgs,
    stationViewSchema,
    'Back to operator mode (no PIN needed to lock): the bench views close, main refuses them again.',
  ),
} as const;

export const STATION_EVENTS = {
  'station.event': defineEvent(stationEventSchema, 'Every StationEvent of the engine, in order.'),
} as const;
