import { z } from 'zod';
import { STATION_PROFILE_SCHEMA_VERSION } from '../../shared/domain/station.js';
import { TIMEOUT_NAMES } from '../flash/stage-timeouts.js';

const sha256 = z
  .string({ error: 'must be a SHA-256 in hex' })
  .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256: 64 lower-case hex digits');

const portPath = z
  .string({ error: 'must be a USB port path such as 1-2 or 1-1.3' })
  .regex(/^\d{1,3}-\d{1,3}(\.\d{1,3}){0,6}$/, 'must be a USB port path such as 1-2 or 1-1.3');

const slotLabel = z
  .string({ error: 'must be a short name such as A or 1' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$/, 'must be 1–16 letters, digits, _ or - (such as A or 1)');

const base64 = (minBytes: number): z.ZodString =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')
    .refine((text) => Buffer.from(text, 'base64').length >= minBytes, `must hold at least ${minBytes} bytes`);

const powerOfTwo = (n: number): boolean => Number.isInteger(Math.log2(n));

export const adminPinSchema = z
  .strictObject({
    kdf: z.literal('scrypt', { error: "must be 'scrypt'" }),
    N: z
      .number()
      .int()
      .min(2 ** 14, 'must be at least 16384 (2^14)')
      .max(2 ** 20, 'must be at most 1048576 (2^20)')
      .refine(powerOfTwo, 'must be a power of two'),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
    keyLengthBytes: z.number().int().min(32).max(64),
    salt: base64(16),
    hash: base64(32),
  })
  .refine((pin) => Buffer.from(pin.hash, 'base64').length === pin.keyLengthBytes, {
    message: 'hash length does not match keyLengthBytes',
    path: ['hash'],
  });

const timeoutNames = Object.keys(TIMEOUT_NAMES) as [string, ...string[]];
const timeoutSeconds = z
  .number({ error: 'must be a number of seconds' })
  .gt(0, 'must be more than 0 seconds')
  .max(3600, 'must be at most 3600 seconds');

function validRegex(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/**
 * A station profile, version 1. Strict objects: a misspelt field in a locked profile is an error, not
 * something silently ignored on the floor. Paths are relative to the profile's folder (layout, records)
 * or to the layout's folder (binaries) unless absolute.
 */
export const stationProfileSchema = z.strictObject({
  schemaVersion: z.literal(STATION_PROFILE_SCHEMA_VERSION, {
    error: `must be ${STATION_PROFILE_SCHEMA_VERSION}: this version reads station profiles of version ${STATION_PROFILE_SCHEMA_VERSION} only`,
  }),
  name: z
    .string({ error: 'must be a name' })
    .min(1, 'must not be empty')
    .max(80, 'must be at most 80 characters'),
  createdAt: z.string().optional(),
  layout: z.strictObject({
    path: z.string({ error: 'must be the path of the FlashLayout' }).min(1, 'must not be empty'),
    sha256,
  }),
  binaries: z
    .array(
      z.strictObject({
        path: z.string().min(1, 'must not be empty'),
        sizeBytes: z.number().int().nonnegative(),
        sha256,
      }),
    )
    .min(1, 'must pin at least one binary')
    .refine((list) => new Set(list.map((b) => b.path)).size === list.length, 'names a binary twice'),
  soc: z.enum(['mp15', 'mp13', 'mp25'], { error: 'must be mp15, mp13 or mp25' }),
  slots: z
    .array(z.strictObject({ label: slotLabel, portPath }))
    .min(1, 'must list at least one slot')
    .max(32, 'must list at most 32 slots')
    .superRefine((slots, ctx) => {
      const labels = new Set<string>();
      const ports = new Set<string>();
      slots.forEach((slot, index) => {
        if (labels.has(slot.label))
          ctx.addIssue({
            code: 'custom',
            path: [index, 'label'],
            message: `label '${slot.label}' is used twice`,
          });
        if (ports.has(slot.portPath))
          ctx.addIssue({
            code: 'custom',
            path: [index, 'portPath'],
            message: `port ${slot.portPath} is used by two slots`,
          });
        labels.add(slot.label);
        ports.add(slot.portPath);
      });
    }),
  timeoutsSeconds: z
    .partialRecord(
      z.enum(timeoutNames, { error: `must be one of ${timeoutNames.join(', ')}` }),
      timeoutSeconds,
    )
    .default({}),
  autoStart: z.boolean({ error: 'must be true or false' }).default(false),
  serialPattern: z
    .string()
    .min(1, 'must not be empty (use null for no pattern)')
    .refine(validRegex, 'is not a valid regular expression')
    .nullable()
    .default(null),
  /** Delay between the starts of slots in one round, so a hub does not see every board re-enumerate at once. */
  startStaggerMs: z.number().int().min(0).max(10_000, 'must be at most 10000 ms').default(0),
  recordsDir: z.string({ error: 'must be the path of the records folder' }).min(1, 'must not be empty'),
  adminPin: adminPinSchema,
});

export type StationProfile = z.infer<typeof stationProfileSchema>;
/** What a profile file holds before defaults are applied (what `station init` writes). */
export type StationProfileInput = z.input<typeof stationProfileSchema>;

/**
 * `slots[1].portPath: must be a USB port path …` — one short line per problem; unknown fields first,
 * since a misspelt or foreign field usually explains the "missing" ones that follow.
 */
export function formatProfileIssues(error: z.ZodError): string[] {
  const issues = [...error.issues].sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  );
  return issues.map((issue) => {
    const where = issue.path.reduce<string>(
      (text, key) =>
        typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
      '',
    );
    return `${where || '(top level)'}: ${issueText(issue)}`;
  });
}

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `'${key}'`).join(', ');
    const known = issue.path[0] === 'timeoutsSeconds' ? ` (stages: ${timeoutNames.join(', ')})` : '';
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}${known}`;
  }
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined)
    return 'is missing';
  return issue.message;
}
