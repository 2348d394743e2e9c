import { z } from 'zod';
import type { BoardIdentity } from '../domain/board-identity.js';
import type { FlashEvent, StageInfo } from '../domain/flash-event.js';
import type { FlashPlan } from '../domain/flash-plan.js';
import type { HostFacts } from '../domain/host-facts.js';

/**
 * Schemas of the domain types that cross IPC. The small, stable shapes are checked field by field;
 * the large main → renderer shapes (FlashPlan, FlashEvent) are checked at their envelope only, since
 * main builds them from typed code and a field-by-field copy here would drift from shared/domain.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const socIdSchema = z.enum(['mp15', 'mp13', 'mp25']);

export const usbSpeedSchema = z.enum(['low', 'full', 'high', 'super', 'super-plus', 'unknown']);

export const boardIdentitySchema: z.ZodType<BoardIdentity> = z.object({
  connectionId: z.string(),
  vid: z.number().int(),
  pid: z.number().int(),
  bcdDevice: z.number().int(),
  manufacturer: z.string().nullable(),
  product: z.string().nullable(),
  serial: z.string().nullable(),
  portPath: z.string(),
  bus: z.number().int().nullable(),
  ports: z.array(z.number().int()),
  speed: usbSpeedSchema,
  alts: z.array(z.object({ index: z.number().int(), name: z.string().nullable() })),
  seenAtMs: z.number(),
  seenAt: z.string(),
});

export const identityStageSchema = z.enum(['rom', 'tfa', 'uboot-layout', 'uboot-partitions', 'unknown']);

export const stageInfoSchema: z.ZodType<StageInfo> = z.object({
  stage: identityStageSchema,
  soc: socIdSchema.nullable(),
  deviceId: z.number().int().nullable(),
  revisionId: z.number().int().nullable(),
  socName: z.string().nullable(),
});

export const hostFactsSchema: z.ZodType<HostFacts> = z.object({
  os: z.enum(['linux', 'win32', 'darwin', 'other']),
  osRelease: z.string(),
  kernel: z.string(),
  arch: z.string(),
  hostname: z.string(),
  vm: z.object({
    detected: z.boolean(),
    kind: z.enum(['virtualbox', 'vmware', 'hyper-v', 'wsl', 'parallels', 'qemu-kvm', 'other']).nullable(),
    evidence: z.array(z.string()),
  }),
  usbAccess: z.object({
    state: z.enum(['ok', 'no-usb-subsystem', 'permission-denied', 'no-udev-rule', 'no-driver', 'unknown']),
    detail: z.string(),
    fix: z.string().nullable(),
    evidence: z.array(z.string()).optional(),
  }),
  versions: z.object({
    node: z.string(),
    electron: z.string().nullable(),
    usb: z.string().nullable(),
    app: z.string(),
  }),
});

export const flashPlanSchema = z.custom<FlashPlan>(
  (value) =>
    isRecord(value) &&
    typeof value.layoutPath === 'string' &&
    Array.isArray(value.partitions) &&
    Array.isArray(value.problems),
  'expected a FlashPlan',
);

export const flashEventSchema = z.custom<FlashEvent>(
  (value) => isRecord(value) && typeof value.type === 'string' && typeof value.tMs === 'number',
  'expected a FlashEvent',
);

/** Where to flash: a port path (the stable key across re-enumerations), a serial, or both. */
export const boardTargetSchema = z.object({
  portPath: z.string().min(1).max(64).nullable(),
  serial: z.string().min(1).max(128).nullable(),
});
