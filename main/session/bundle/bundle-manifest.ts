import { z } from 'zod';
import { SYMPTOMS } from '../../../shared/domain/diagnosis.js';
import type { SymptomCode } from '../../../shared/domain/diagnosis.js';
import { hostFactsSchema } from '../../../shared/ipc/domain-schemas.js';
import { diagnosisSchema } from './flash-event-schema.js';

/** What marks a zip as ours, whatever its file name. */
export const BUNDLE_FORMAT = 'stm32mp-flash-station/support-bundle';
/** Bumped when a reader of the previous schema would misread a bundle; additions do not bump it. */
export const BUNDLE_SCHEMA = 1;

export const BUNDLE_ENTRY = {
  manifest: 'manifest.json',
  journal: 'journal.jsonl',
  report: 'report.html',
  hostFacts: 'host-facts.json',
  diagnosis: 'diagnosis.json',
  binaries: 'binaries.json',
  appLog: 'app-log.txt',
  /** The FlashLayout goes in as layout/<its file name>. */
  layoutFolder: 'layout/',
} as const;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const redactionCategories = z.object({
  'home-folder': z.number().int().nonnegative(),
  'user-name': z.number().int().nonnegative(),
  'host-name': z.number().int().nonnegative(),
});

export const manifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  schema: z.number().int().positive(),
  appVersion: z.string(),
  createdAt: z.string(),
  session: z.object({
    sessionId: z.string().nullable(),
    startedAt: z.string().nullable(),
    outcome: z.enum(['ok', 'failed', 'cancelled', 'unfinished']),
    symptom: z.enum(Object.keys(SYMPTOMS) as [SymptomCode, ...SymptomCode[]]).nullable(),
    durationMs: z.number().nullable(),
    layoutFileName: z.string().nullable(),
  }),
  journal: z.object({
    sourceFileName: z.string(),
    schema: z.number().nullable(),
    events: z.number().int().nonnegative(),
    truncated: z.boolean(),
    skippedLines: z.array(z.number().int()),
  }),
  redaction: z.object({
    enabled: z.boolean(),
    counts: redactionCategories,
    perFile: z.record(z.string(), redactionCategories.partial()),
    secretFieldsDropped: z.number().int().nonnegative(),
    placeholders: z.object({ home: z.string(), user: z.string(), host: z.string() }),
  }),
  layout: z.object({
    entry: z.string().nullable(),
    unavailableReason: z.string().nullable(),
  }),
  appLog: z.object({
    entry: z.string().nullable(),
    selection: z.enum(['window', 'tail', 'none']),
    lines: z.number().int().nonnegative(),
  }),
  files: z.array(
    z.object({
      name: z.string(),
      sizeBytes: z.number().int().nonnegative(),
      sha256: sha256Hex,
      description: z.string(),
    }),
  ),
});

export type BundleManifest = z.infer<typeof manifestSchema>;

export const hostFactsFileSchema = z.object({
  /** From the journal's session-start: the host the flash ran on. */
  recorded: hostFactsSchema.nullable(),
  /** Probed when the bundle was made (may be another machine than the flash's). */
  probedAtExport: hostFactsSchema.nullable(),
  probedAt: z.string().nullable(),
  probeError: z.string().nullable(),
});
export type BundleHostFacts = z.infer<typeof hostFactsFileSchema>;

export const diagnosisFileSchema = z.object({
  /** What the session concluded (its outcome event). */
  recorded: diagnosisSchema.nullable(),
  /** diagnose() re-run over the journal by the exporting version. */
  recomputed: diagnosisSchema.nullable(),
  recomputedBy: z.string(),
  agree: z.boolean(),
});
export type BundleDiagnosis = z.infer<typeof diagnosisFileSchema>;

export const binariesFileSchema = z.object({
  layoutPath: z.string().nullable(),
  note: z.string(),
  binaries: z.array(
    z.object({
      path: z.string(),
      rows: z.array(z.string()),
      status: z.enum(['ok', 'missing', 'not-a-file', 'unreadable']),
      sizeBytes: z.number().nullable(),
      sha256: sha256Hex.nullable(),
      sizeAtFlashBytes: z.number().nullable(),
    }),
  ),
});
export type BundleBinaries = z.infer<typeof binariesFileSchema>;
