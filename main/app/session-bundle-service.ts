import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BundleView, SessionExported } from '../../shared/ipc/session-channels.js';
import { AppError } from '../core/app-error.js';
import {
  defaultBundlePath,
  exportSupportBundle,
  sameDiagnosis,
} from '../session/bundle/export-support-bundle.js';
import { loadSupportBundle, type LoadedSupportBundle } from '../session/bundle/load-support-bundle.js';
import type { FlashService } from './flash-service.js';
import type { HostService } from './host-service.js';

export interface SessionBundleServiceDeps {
  flash: Pick<FlashService, 'current'>;
  host: Pick<HostService, 'facts'>;
  /** Web mode writes bundles into `<bundlesDir>`; the Electron shell asks with `pickSavePath`. */
  bundlesDir: string;
  appLogPath: string;
  /** The native save dialog (Electron): the chosen path, or null when cancelled. */
  pickSavePath?: (defaultName: string) => Promise<string | null>;
  /** The native open dialog (Electron). */
  pickBundle?: () => Promise<string | null>;
}

/** Export of the GUI's latest session as a support bundle, and opening a bundle for the read-only view. */
export class SessionBundleService {
  constructor(private readonly deps: SessionBundleServiceDeps) {}

  canPick(): boolean {
    return this.deps.pickBundle !== undefined;
  }

  async exportLatest(redact: boolean): Promise<SessionExported> {
    const session = this.deps.flash.current();
    if (!session || session.finished === null) {
      throw new AppError(
        'bad-input',
        'There is no finished flash session to export.',
        {},
        'Export is offered once a flash has ended (succeeded, failed or cancelled).',
      );
    }
    if (session.journalPath === null) {
      throw new AppError(
        'file-not-found',
        'This session has no journal, so there is nothing to put in a bundle.',
        { sessionId: session.sessionId },
        'The app log says why the journal could not be written; check the journal folder in Settings.',
      );
    }
    const defaultName = path.basename(defaultBundlePath(session.journalPath));
    let outputPath: string | null;
    if (this.deps.pickSavePath) {
      outputPath = await this.deps.pickSavePath(defaultName);
      if (outputPath === null) return { path: null, sizeBytes: 0 };
    } else {
      await mkdir(this.deps.bundlesDir, { recursive: true });
      outputPath = path.join(this.deps.bundlesDir, defaultName);
    }
    const exported = await exportSupportBundle({
      journalPath: session.journalPath,
      outputPath,
      layoutPath: session.layoutPath,
      redact,
      hostFacts: await this.deps.host.facts(),
      appLogPath: this.deps.appLogPath,
    });
    return { path: exported.outputPath, sizeBytes: exported.sizeBytes };
  }

  async pickBundle(): Promise<string | null> {
    if (!this.deps.pickBundle) {
      throw new AppError(
        'bad-input',
        'There is no file dialog in this mode.',
        {},
        'Type the path of the .zip instead.',
      );
    }
    return this.deps.pickBundle();
  }

  async open(zipPath: string): Promise<BundleView> {
    return toBundleView(await loadSupportBundle(path.resolve(zipPath)));
  }
}

/**
 * What the flash would have sent: each binary once per layout row that uses it (a boot image is loaded
 * and then programmed), as the live view's plannedTransferBytes counts it. Sizes at flash time first.
 */
function plannedBytesOf(loaded: LoadedSupportBundle): number {
  let total = 0;
  for (const binary of loaded.binaries?.binaries ?? []) {
    total += (binary.sizeAtFlashBytes ?? binary.sizeBytes ?? 0) * binary.rows.length;
  }
  return total;
}

/** The loader's result as the read-only view shows it (pure; the report and raw log stay behind). */
export function toBundleView(loaded: LoadedSupportBundle): BundleView {
  const outcome = loaded.events.findLast((e) => e.type === 'outcome');
  const recorded = loaded.exportedDiagnosis?.recorded ?? outcome?.diagnosis ?? null;
  return {
    zipPath: loaded.zipPath,
    fileName: path.basename(loaded.zipPath),
    sessionId: loaded.manifest.session.sessionId,
    createdAt: loaded.manifest.createdAt,
    appVersion: loaded.manifest.appVersion,
    redacted: loaded.manifest.redaction.enabled,
    events: loaded.events,
    diagnosis: loaded.diagnosis,
    recordedDiagnosis: recorded,
    diagnosisDiffers: recorded !== null && !sameDiagnosis(recorded, loaded.diagnosis),
    layoutFileName: loaded.layoutFileName,
    layoutText: loaded.layoutText,
    hostAtFlash: loaded.hostFacts?.recorded ?? null,
    hostAtExport: loaded.hostFacts?.probedAtExport ?? null,
    plannedBytes: plannedBytesOf(loaded),
    problems: [...loaded.integrity.problems, ...loaded.warnings],
  };
}
