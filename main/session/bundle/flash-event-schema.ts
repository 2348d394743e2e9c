import { z } from 'zod';
import { CAUSES, SYMPTOMS } from '../../../shared/domain/diagnosis.js';
import type { CauseId, Diagnosis, SymptomCode } from '../../../shared/domain/diagnosis.js';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import { isErrorCode } from '../../../shared/error-codes.js';
import { boardIdentitySchema, hostFactsSchema, stageInfoSchema } from '../../../shared/ipc/domain-schemas.js';

/**
 * FlashEvent, field by field, for data read back from a file someone sent us (a support bundle). Typed
 * against shared/domain, so a change to an event that this schema does not follow fails to compile.
 * The small shapes (identity, stage info, host facts) are the IPC contract's own schemas.
 */

const bootStage = z.enum(['rom', 'tfa', 'uboot-layout', 'uboot-partitions']);
const flashPhase = z.enum(['preflight', 'rom', 'tfa', 'uboot-layout', 'uboot-partitions', 'done']);
const waitAfter = z.enum(['start', 'after-fsbl', 'after-ddr-fip', 'after-fip', 'after-layout']);

const symptomCode = z.enum(Object.keys(SYMPTOMS) as [SymptomCode, ...SymptomCode[]]);
const causeId = z.enum(Object.keys(CAUSES) as [CauseId, ...CauseId[]]);

export const diagnosisSchema: z.ZodType<Diagnosis> = z.object({
  symptom: symptomCode,
  variant: z.string().nullable(),
  summary: z.string(),
  evidence: z.array(z.string()),
  deviceText: z.string().nullable(),
  layoutLine: z.number().nullable(),
  partition: z.object({ phaseId: z.number(), name: z.string() }).nullable(),
  causes: z.array(
    z.object({
      id: causeId,
      title: z.string(),
      score: z.number(),
      likelihood: z.enum(['high', 'medium', 'low']),
      evidence: z.array(z.string()),
      checks: z.array(z.string()),
    }),
  ),
});

const stamp = { tMs: z.number(), at: z.string() };

export const flashEventSchema: z.ZodType<FlashEvent> = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('session-start'),
    sessionId: z.string(),
    layoutPath: z.string(),
    target: z.object({ portPath: z.string().nullable(), serial: z.string().nullable() }),
    host: hostFactsSchema,
    appVersion: z.string(),
    ...stamp,
  }),
  z.object({
    type: z.literal('preflight'),
    level: z.enum(['info', 'warning', 'error']),
    code: z.string(),
    message: z.string(),
    hint: z.string().nullable(),
    ...stamp,
  }),
  z.object({
    type: z.literal('stage'),
    phase: flashPhase,
    info: stageInfoSchema.nullable(),
    connectionId: z.string().nullable(),
    ...stamp,
  }),
  z.object({
    type: z.literal('identity'),
    change: z.enum(['connect', 'disconnect']),
    role: z.enum(['target', 'other']),
    identity: boardIdentitySchema,
    info: stageInfoSchema,
    serialNote: z.enum(['changed', 'vanished']).nullable(),
    ...stamp,
  }),
  z.object({
    type: z.literal('wait-start'),
    after: waitAfter,
    expecting: z.array(bootStage),
    portPath: z.string().nullable(),
    timeoutMs: z.number(),
    deadlineAt: z.string(),
    ...stamp,
  }),
  z.object({
    type: z.literal('wait-end'),
    after: waitAfter,
    result: z.enum(['arrived', 'timeout', 'cancelled', 'wrong-board', 'board-reset', 'inaccessible']),
    elapsedMs: z.number(),
    connectionId: z.string().nullable(),
    ...stamp,
  }),
  z.object({
    type: z.literal('phase'),
    stage: bootStage,
    phase: z.number(),
    address: z.number(),
    offset: z.number(),
    needDetach: z.boolean().nullable(),
    errorText: z.string().nullable(),
    ...stamp,
  }),
  z.object({
    type: z.literal('dfu-anomaly'),
    stage: bootStage,
    kind: z.string(),
    detail: z.string(),
    ...stamp,
  }),
  z.object({ type: z.literal('detach'), stage: bootStage, tolerated: z.string().nullable(), ...stamp }),
  z.object({
    type: z.literal('partition-start'),
    stage: bootStage,
    phaseId: z.number(),
    name: z.string(),
    alt: z.number(),
    sizeBytes: z.number(),
    file: z.string().nullable(),
    ...stamp,
  }),
  z.object({
    type: z.literal('partition-progress'),
    phaseId: z.number(),
    bytesSent: z.number(),
    totalBytes: z.number(),
    rateBytesPerS: z.number(),
    etaMs: z.number().nullable(),
    ...stamp,
  }),
  z.object({
    type: z.literal('partition-end'),
    phaseId: z.number(),
    ok: z.boolean(),
    bytesSent: z.number(),
    durationMs: z.number(),
    rateBytesPerS: z.number(),
    ...stamp,
  }),
  z.object({
    type: z.literal('error'),
    stage: flashPhase,
    error: z.object({
      // a journal from a newer version may carry a code this one does not know: keep the event
      code: z.string().transform((code) => (isErrorCode(code) ? code : 'internal')),
      message: z.string(),
      hint: z.string().nullable(),
      fields: z.record(z.string(), z.unknown()),
    }),
    ...stamp,
  }),
  z.object({
    type: z.literal('outcome'),
    ok: z.boolean(),
    cancelled: z.boolean(),
    symptom: symptomCode.nullable(),
    diagnosis: diagnosisSchema.nullable(),
    durationMs: z.number(),
    partitionsWritten: z.number(),
    bytesWritten: z.number(),
    ...stamp,
  }),
]);
