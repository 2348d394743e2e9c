import { z } from 'zod';
import type { Diagnosis } from '../domain/diagnosis.js';
import { defineRequest, noArgs } from './channel.js';
import { flashEventSchema, hostFactsSchema } from './domain-schemas.js';

const diagnosisSchema = z.custom<Diagnosis>(
  (value) => typeof value === 'object' && value !== null && 'symptom' in value && 'causes' in value,
  'expected a Diagnosis',
);

export const sessionExportRequestSchema = z.object({
  /** Replace home folder, user and host names in the bundle; secrets are dropped either way. */
  redact: z.boolean(),
});

export const sessionExportedSchema = z.object({
  /** null when the user cancelled the save dialog. */
  path: z.string().nullable(),
  sizeBytes: z.number().int().nonnegative(),
});

export type SessionExported = z.infer<typeof sessionExportedSchema>;

/**
 * A support bundle as the GUI's read-only view needs it: the loader's result without the report and
 * the raw log, which the view does not show (and which would only make the IPC answer heavy).
 */
export const bundleViewSchema = z.object({
  zipPath: z.string(),
  fileName: z.string(),
  sessionId: z.string().nullable(),
  createdAt: z.string(),
  appVersion: z.string(),
  redacted: z.boolean(),
  events: z.array(flashEventSchema),
  /** diagnose() over the events by this version: what the view shows. */
  diagnosis: diagnosisSchema.nullable(),
  /** What the session itself recorded at the time (diagnosis.json), when the bundle has it. */
  recordedDiagnosis: diagnosisSchema.nullable(),
  /** True when the recorded diagnosis exists and names another symptom or other causes. */
  diagnosisDiffers: z.boolean(),
  layoutFileName: z.string().nullable(),
  layoutText: z.string().nullable(),
  hostAtFlash: hostFactsSchema.nullable(),
  hostAtExport: hostFactsSchema.nullable(),
  /** Bytes the layout's binaries add up to (binaries.json), for the progress bar's total; 0 if unknown. */
  plannedBytes: z.number().nonnegative(),
  /** Files changed or missing after export, damaged optional parts, skipped journal lines. */
  problems: z.array(z.string()),
});

export type BundleView = z.infer<typeof bundleViewSchema>;

export const SESSION_CHANNELS = {
  'session.export': defineRequest(
    sessionExportRequestSchema,
    sessionExportedSchema,
    'Writes a support bundle (.zip) of the latest finished flash session and answers its path.',
  ),
  'session.pickBundle': defineRequest(
    noArgs,
    z.object({ path: z.string().nullable() }),
    'Shows the native open dialog for a support bundle (Electron only); null when cancelled.',
  ),
  'session.openBundle': defineRequest(
    z.object({ path: z.string().min(1).max(4096) }),
    bundleViewSchema,
    'Opens and validates a support bundle for the read-only view.',
  ),
} as const;
