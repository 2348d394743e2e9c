import { readFile, stat } from 'node:fs/promises';
import type { z } from 'zod';
import type { Diagnosis } from '../../../shared/domain/diagnosis.js';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import { AppError } from '../../core/app-error.js';
import { vmAdviceText } from '../../host/vm-advice-text.js';
import { diagnose } from '../diagnosis/diagnose.js';
import { parseJournal } from '../journal/journal-reader.js';
import type { BundleBinaries, BundleDiagnosis, BundleHostFacts, BundleManifest } from './bundle-manifest.js';
import {
  BUNDLE_ENTRY,
  BUNDLE_FORMAT,
  BUNDLE_SCHEMA,
  binariesFileSchema,
  diagnosisFileSchema,
  hostFactsFileSchema,
  manifestSchema,
} from './bundle-manifest.js';
import { BUNDLE_MAX_ZIP_BYTES, readZipEntries, sha256Hex } from './bundle-zip.js';
import { flashEventSchema } from './flash-event-schema.js';

/** An opened support bundle: JSON-shaped, so it can cross IPC to the GUI's read-only view as is. */
export interface LoadedSupportBundle {
  zipPath: string;
  manifest: BundleManifest;
  events: FlashEvent[];
  journal: {
    sessionId: string | null;
    schema: number | null;
    /** Lines of journal.jsonl that were skipped: not JSON, or not a valid FlashEvent. */
    skippedLines: { line: number; reason: string }[];
  };
  /** diagnose() over the events by this version: what the GUI shows. */
  diagnosis: Diagnosis | null;
  /** diagnosis.json: what the session recorded and what the exporting version recomputed. */
  exportedDiagnosis: BundleDiagnosis | null;
  layoutFileName: string | null;
  layoutText: string | null;
  hostFacts: BundleHostFacts | null;
  binaries: BundleBinaries | null;
  appLogText: string | null;
  reportHtml: string | null;
  /** Files whose SHA-256 does not match the manifest, or that the manifest lists but are missing. */
  integrity: { ok: boolean; problems: string[] };
  /** Parts that could not be read; the bundle still opens. */
  warnings: string[];
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function invalid(zipPath: string, message: string, cause?: unknown): AppError {
  return new AppError(
    'bundle-invalid',
    `${zipPath}: ${message}`,
    { zipPath },
    'Open a .zip made with "Export session…" or `stm32mp-flash bundle`.',
    cause === undefined ? undefined : { cause },
  );
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return `${where}: ${issue.message}`;
}

/**
 * Opens a support bundle and validates it: a clear bundle-invalid error for a file that is not a zip,
 * a zip that is not a bundle, a bundle from a newer schema, or a damaged manifest or journal; softer
 * problems (a modified file, a damaged optional part) are listed in `integrity` and `warnings`.
 */
export async function loadSupportBundle(zipPath: string): Promise<LoadedSupportBundle> {
  const bytes = await readBundleBytes(zipPath);
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05))) {
    throw invalid(zipPath, 'not a zip file, so not a support bundle.');
  }
  const files = readZipEntries(
    zipPath,
    bytes,
    (name) =>
      Object.values(BUNDLE_ENTRY).includes(name as never) || name.startsWith(BUNDLE_ENTRY.layoutFolder),
  );
  const text = (name: string): string | null => {
    const entry = files.get(name);
    return entry ? decoder.decode(entry) : null;
  };

  const manifestText = text(BUNDLE_ENTRY.manifest);
  if (manifestText === null) {
    throw invalid(
      zipPath,
      'a zip file, but not an STM32MP Flash Station support bundle (it has no manifest.json).',
    );
  }
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(manifestText);
  } catch (error) {
    throw invalid(zipPath, 'manifest.json is not valid JSON; the bundle is damaged.', error);
  }
  const format = (manifestJson as { format?: unknown } | null)?.format;
  if (format !== BUNDLE_FORMAT) {
    throw invalid(
      zipPath,
      'a zip file with a manifest.json, but not an STM32MP Flash Station support bundle.',
    );
  }
  const schema = (manifestJson as { schema?: unknown }).schema;
  if (typeof schema === 'number' && schema > BUNDLE_SCHEMA) {
    throw invalid(
      zipPath,
      `made by a newer version of STM32MP Flash Station (bundle schema ${schema}); this version reads schema ${BUNDLE_SCHEMA}. Update the app to open it.`,
    );
  }
  const parsedManifest = manifestSchema.safeParse(manifestJson);
  if (!parsedManifest.success) {
    throw invalid(zipPath, `manifest.json is damaged (${firstIssue(parsedManifest.error)}).`);
  }
  const manifest = parsedManifest.data;

  const integrity: string[] = [];
  for (const listed of manifest.files) {
    const entry = files.get(listed.name);
    if (!entry) integrity.push(`${listed.name} is listed in the manifest but missing from the zip`);
    else if (sha256Hex(entry) !== listed.sha256)
      integrity.push(`${listed.name} was changed after the bundle was made`);
  }

  const journalText = text(BUNDLE_ENTRY.journal);
  if (journalText === null) throw invalid(zipPath, 'the bundle has no journal.jsonl; it is damaged.');
  const journal = parseJournal(journalText);
  const skippedLines = journal.skippedLines.map((line) => ({ line, reason: 'not a JSON object' }));
  const events: FlashEvent[] = [];
  const lineOfEvent = eventLineNumbers(journalText);
  journal.events.forEach((raw, i) => {
    const parsed = flashEventSchema.safeParse(raw);
    if (parsed.success) events.push(parsed.data);
    else skippedLines.push({ line: lineOfEvent[i] ?? -1, reason: firstIssue(parsed.error) });
  });
  if (events.length === 0 && journal.events.length > 0) {
    throw invalid(
      zipPath,
      `journal.jsonl holds no valid flash event (line ${skippedLines[0]?.line}: ${skippedLines[0]?.reason}).`,
    );
  }

  const warnings: string[] = [];
  if (skippedLines.length > 0)
    warnings.push(`${skippedLines.length} journal line(s) could not be read and were skipped`);
  const optional = <T>(name: string, parse: z.ZodType<T>): T | null => {
    const content = text(name);
    if (content === null) return null;
    try {
      const result = parse.safeParse(JSON.parse(content));
      if (result.success) return result.data;
      warnings.push(`${name} is damaged (${firstIssue(result.error)}) and was ignored`);
    } catch {
      warnings.push(`${name} is not valid JSON and was ignored`);
    }
    return null;
  };

  const layoutName = manifest.layout.entry;
  const outcome = events.findLast((e) => e.type === 'outcome');
  return {
    zipPath,
    manifest,
    events,
    journal: { sessionId: journal.sessionId, schema: journal.schema, skippedLines },
    diagnosis: outcome ? diagnose(events, { vmFilterAdvice: vmAdviceText }) : null,
    exportedDiagnosis: optional(BUNDLE_ENTRY.diagnosis, diagnosisFileSchema),
    layoutFileName: layoutName ? layoutName.slice(BUNDLE_ENTRY.layoutFolder.length) : null,
    layoutText: layoutName ? text(layoutName) : null,
    hostFacts: optional(BUNDLE_ENTRY.hostFacts, hostFactsFileSchema),
    binaries: optional(BUNDLE_ENTRY.binaries, binariesFileSchema),
    appLogText: text(BUNDLE_ENTRY.appLog),
    reportHtml: text(BUNDLE_ENTRY.report),
    integrity: { ok: integrity.length === 0, problems: integrity },
    warnings,
  };
}

async function readBundleBytes(zipPath: string): Promise<Uint8Array> {
  try {
    const info = await stat(zipPath);
    if (!info.isFile()) {
      throw new AppError('not-a-file', `${zipPath} is not a file.`, { zipPath });
    }
    if (info.size > BUNDLE_MAX_ZIP_BYTES) {
      throw new AppError(
        'file-too-large',
        `${zipPath} is ${Math.round(info.size / 1024 / 1024)} MiB: too large for a support bundle (they hold no binaries).`,
        { zipPath, sizeBytes: info.size },
      );
    }
    return await readFile(zipPath);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError(
      code === 'ENOENT' ? 'file-not-found' : 'file-unreadable',
      `Cannot read the support bundle ${zipPath}: ${(error as Error).message}`,
      { zipPath },
    );
  }
}

/** 1-based line numbers of the event lines (everything but blank lines, the header and damaged lines). */
function eventLineNumbers(text: string): number[] {
  const numbers: number[] = [];
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const value = JSON.parse(line) as { type?: unknown } | null;
      if (value && typeof value === 'object' && typeof value.type === 'string' && value.type !== 'journal') {
        numbers.push(i + 1);
      }
    } catch {
      // damaged lines are reported by parseJournal
    }
  });
  return numbers;
}
