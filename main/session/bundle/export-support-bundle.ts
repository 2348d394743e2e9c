import path from 'node:path';
import type { Diagnosis } from '../../../shared/domain/diagnosis.js';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import type { HostFacts } from '../../../shared/domain/host-facts.js';
import { AppError } from '../../core/app-error.js';
import { logDir } from '../../core/app-paths.js';
import { probeHostFacts } from '../../host/probe-host-facts.js';
import { vmAdviceText } from '../../host/vm-advice-text.js';
import { appPackageVersion } from '../../host/versions.js';
import { APP_LOG_FILE_NAME } from '../app-log.js';
import { readAppLogTail } from '../app-log-tail.js';
import { diagnose } from '../diagnosis/diagnose.js';
import { loadJournal } from '../journal/journal-reader.js';
import { JOURNAL_SCHEMA } from '../journal/journal-writer.js';
import { renderReport } from '../report/render-report.js';
import { snapshotLayout } from './binary-digests.js';
import type { LayoutSnapshot } from './binary-digests.js';
import type { BundleBinaries, BundleDiagnosis, BundleHostFacts, BundleManifest } from './bundle-manifest.js';
import { BUNDLE_ENTRY, BUNDLE_FORMAT, BUNDLE_SCHEMA } from './bundle-manifest.js';
import type { BundleEntry } from './bundle-zip.js';
import { sha256Hex, writeZip } from './bundle-zip.js';
import { gatherRedactionSubjects } from './redaction-subjects.js';
import type { SubjectSources } from './redaction-subjects.js';
import type { RedactionSubjects } from './redactor.js';
import { Redactor } from './redactor.js';

export interface ExportSupportBundleOptions {
  journalPath: string;
  outputPath: string;
  /** Default: the layout the session-start event names. */
  layoutPath?: string;
  /** Replace home folder, user and host names (default true). Secrets are dropped either way. */
  redact?: boolean;
  /** The host as the app knows it now (the GUI's last probe); default: probed here. */
  hostFacts?: HostFacts;
  /** Default: app.log in the per-user log folder. */
  appLogPath?: string;
  /** Stream every binary of the layout through SHA-256 (default true; sizes are always recorded). */
  hashBinaries?: boolean;
  signal?: AbortSignal;
  /** Names to redact besides those found on this machine and in the journal. */
  extraRedactionSubjects?: Partial<RedactionSubjects>;
  /** Tests: the machine whose account and host are redacted, the environment, the probe, the clock. */
  machine?: SubjectSources['machine'];
  env?: Record<string, string | undefined>;
  probeHost?: () => Promise<HostFacts>;
  now?: () => Date;
}

export interface ExportedSupportBundle {
  outputPath: string;
  sizeBytes: number;
  manifest: BundleManifest;
}

const encoder = new TextEncoder();
/** Lines of the app log around the session: from a little before it started to a little after. */
const LOG_WINDOW_MARGIN_MS = 2 * 60_000;

/**
 * Makes a support bundle from a session journal: the journal, a self-contained report.html, the
 * FlashLayout, sizes and hashes of its binaries (never the binaries), host facts then and now, the
 * diagnosis (recorded and recomputed), the app log around the session, and a manifest with a SHA-256
 * per file. Redaction is on unless `redact: false`.
 */
export async function exportSupportBundle(
  options: ExportSupportBundleOptions,
): Promise<ExportedSupportBundle> {
  const now = options.now ?? (() => new Date());
  const createdAt = now();
  const env = options.env ?? process.env;
  const appVersion = appPackageVersion() ?? 'unknown';
  const abortIfCancelled = (): void => {
    if (options.signal?.aborted) throw new AppError('aborted', 'The export was cancelled.');
  };

  const journal = await loadJournal(options.journalPath);
  if (journal.schema === null && journal.events.length === 0) {
    throw new AppError(
      'bad-input',
      `${options.journalPath} is not a session journal (no journal header and no flash event in it).`,
      { journalPath: options.journalPath },
      'Session journals are the flash-*.jsonl files in the journals folder.',
    );
  }
  const rawEvents = journal.events;
  const start = rawEvents.find(
    (e): e is Extract<FlashEvent, { type: 'session-start' }> => e.type === 'session-start',
  );

  const probed = await probeNow(options);
  abortIfCancelled();
  const subjects = gatherRedactionSubjects({
    env,
    events: rawEvents,
    hostFacts: probed.facts,
    ...(options.extraRedactionSubjects ? { extra: options.extraRedactionSubjects } : {}),
    ...(options.machine !== undefined ? { machine: options.machine } : {}),
  });
  const redactor = new Redactor(subjects, options.redact !== false);

  const layoutPath = options.layoutPath ?? start?.layoutPath ?? null;
  const snapshot: LayoutSnapshot = layoutPath
    ? await snapshotLayout(layoutPath, rawEvents, {
        hash: options.hashBinaries !== false,
        ...(options.signal ? { signal: options.signal } : {}),
      }).catch((error: unknown) => {
        if (options.signal?.aborted)
          throw new AppError('aborted', 'The export was cancelled.', {}, null, { cause: error });
        throw error;
      })
    : { text: null, unavailableReason: 'the journal names no layout', binaries: [] };
  abortIfCancelled();

  const events = redactor.forFile(BUNDLE_ENTRY.journal).value(rawEvents);
  const journalText = [
    JSON.stringify({
      type: 'journal',
      schema: journal.schema ?? JOURNAL_SCHEMA,
      sessionId: journal.sessionId,
    }),
    ...events.map((event) => JSON.stringify(event)),
  ].join('\n');

  const outcome = events.findLast((e) => e.type === 'outcome');
  const recorded = outcome?.type === 'outcome' ? outcome.diagnosis : null;
  const recomputed = outcome ? diagnose(events, { vmFilterAdvice: vmAdviceText }) : null;
  const diagnosisFile: BundleDiagnosis = {
    recorded,
    recomputed,
    recomputedBy: appVersion,
    agree: sameDiagnosis(recorded, recomputed),
  };

  const hostFile: BundleHostFacts = redactor.forFile(BUNDLE_ENTRY.hostFacts).value({
    recorded: start?.host ?? null,
    probedAtExport: probed.facts,
    probedAt: probed.at,
    probeError: probed.error,
  });

  const binariesFile: BundleBinaries = redactor.forFile(BUNDLE_ENTRY.binaries).value({
    layoutPath,
    note: 'Sizes and SHA-256 of the files the FlashLayout names, as found when the bundle was made. sizeAtFlashBytes is what the session sent.',
    binaries: snapshot.binaries,
  });

  const layoutFileName = layoutPath
    ? redactor.forFile('manifest.json').text(path.basename(layoutPath))
    : null;
  const layoutEntry =
    snapshot.text !== null && layoutFileName ? `${BUNDLE_ENTRY.layoutFolder}${layoutFileName}` : null;
  const layoutText = layoutEntry ? redactor.forFile(layoutEntry).text(snapshot.text ?? '') : null;

  const appLogPath = options.appLogPath ?? path.join(logDir(env), APP_LOG_FILE_NAME);
  const startedMs = start ? Date.parse(start.at) : NaN;
  const lastMs = rawEvents.length > 0 ? Date.parse(rawEvents[rawEvents.length - 1]!.at) : NaN;
  const tail = await readAppLogTail(appLogPath, {
    ...(Number.isFinite(startedMs)
      ? {
          window: {
            fromMs: startedMs - LOG_WINDOW_MARGIN_MS,
            toMs: (Number.isFinite(lastMs) ? lastMs : startedMs) + LOG_WINDOW_MARGIN_MS,
          },
        }
      : {}),
  });
  const appLogText =
    tail.lines.length > 0 ? redactor.forFile(BUNDLE_ENTRY.appLog).text(`${tail.lines.join('\n')}\n`) : null;

  const journalFileName = redactor.forFile('manifest.json').text(path.basename(options.journalPath));
  const reportHtml = redactor.forFile(BUNDLE_ENTRY.report).text(
    renderReport({
      events,
      diagnosis: recomputed,
      recordedDiagnosis: recorded,
      host: {
        recorded: hostFile.recorded,
        probedAtExport: hostFile.probedAtExport,
        probedAt: hostFile.probedAt,
      },
      layout: { fileName: layoutFileName, text: layoutText, unavailableReason: snapshot.unavailableReason },
      binaries: binariesFile.binaries,
      journal: {
        fileName: journalFileName,
        truncated: journal.truncated,
        skippedLines: journal.skippedLines,
      },
      createdAt: createdAt.toISOString(),
      appVersion,
      redaction: redactor.summary(),
    }),
  );

  const json = (value: unknown): Uint8Array => encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
  const entries: (BundleEntry & { description: string })[] = [
    {
      name: BUNDLE_ENTRY.report,
      bytes: encoder.encode(reportHtml),
      description: 'Human-readable report (open in a browser)',
    },
    {
      name: BUNDLE_ENTRY.journal,
      bytes: encoder.encode(`${journalText}\n`),
      description: 'Session journal: one FlashEvent per line',
    },
    {
      name: BUNDLE_ENTRY.diagnosis,
      bytes: json(diagnosisFile),
      description: 'Diagnosis recorded by the session and recomputed at export',
    },
    {
      name: BUNDLE_ENTRY.hostFacts,
      bytes: json(hostFile),
      description: 'Host facts at flash time and at export time',
    },
    {
      name: BUNDLE_ENTRY.binaries,
      bytes: json(binariesFile),
      description: 'Size and SHA-256 of every binary the layout names',
    },
  ];
  if (layoutEntry && layoutText !== null) {
    entries.push({
      name: layoutEntry,
      bytes: encoder.encode(layoutText),
      description: 'The FlashLayout as read at export',
    });
  }
  if (appLogText !== null) {
    entries.push({
      name: BUNDLE_ENTRY.appLog,
      bytes: encoder.encode(appLogText),
      description: 'Application log lines around the session',
    });
  }

  const summary = outcome?.type === 'outcome' ? outcome : null;
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    schema: BUNDLE_SCHEMA,
    appVersion,
    createdAt: createdAt.toISOString(),
    session: {
      sessionId: start?.sessionId ?? journal.sessionId,
      startedAt: start?.at ?? null,
      outcome: summary ? (summary.ok ? 'ok' : summary.cancelled ? 'cancelled' : 'failed') : 'unfinished',
      symptom: summary?.symptom ?? null,
      durationMs: summary?.durationMs ?? null,
      layoutFileName,
    },
    journal: {
      sourceFileName: journalFileName,
      schema: journal.schema,
      events: events.length,
      truncated: journal.truncated,
      skippedLines: journal.skippedLines,
    },
    redaction: redactor.summary(),
    layout: {
      entry: layoutEntry,
      unavailableReason: layoutEntry ? null : (snapshot.unavailableReason ?? 'no layout'),
    },
    appLog: {
      entry: appLogText !== null ? BUNDLE_ENTRY.appLog : null,
      selection: tail.selection,
      lines: tail.lines.length,
    },
    files: entries.map((entry) => ({
      name: entry.name,
      sizeBytes: entry.bytes.byteLength,
      sha256: sha256Hex(entry.bytes),
      description: entry.description,
    })),
  };
  abortIfCancelled();
  const zipEntries: BundleEntry[] = [{ name: BUNDLE_ENTRY.manifest, bytes: json(manifest) }, ...entries];
  const sizeBytes = await writeZip(options.outputPath, zipEntries, createdAt);
  return { outputPath: options.outputPath, sizeBytes, manifest };
}

async function probeNow(
  options: ExportSupportBundleOptions,
): Promise<{ facts: HostFacts | null; at: string | null; error: string | null }> {
  const at = (options.now ?? (() => new Date()))().toISOString();
  if (options.hostFacts) return { facts: options.hostFacts, at, error: null };
  try {
    return { facts: await (options.probeHost ?? (() => probeHostFacts()))(), at, error: null };
  } catch (error) {
    return { facts: null, at, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Where a bundle goes by default: next to its journal, same name, .zip (flash-…-id.jsonl → flash-…-id.zip). */
export function defaultBundlePath(journalPath: string): string {
  return `${journalPath.replace(/\.jsonl$/i, '')}.zip`;
}

export function sameDiagnosis(a: Diagnosis | null, b: Diagnosis | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
