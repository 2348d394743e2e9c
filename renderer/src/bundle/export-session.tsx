import { useState } from 'react';
import { CopyButton } from '../app/copy-button.js';
import { errorHeadline } from '../app/error-text.js';
import { formatBytes } from '../app/format-units.js';
import type { BundleActions, BundleState } from './use-bundles.js';

export interface ExportSessionProps {
  bundles: BundleState;
  actions: BundleActions;
}

/** Under a finished session: write it as a support bundle, and say where it went. */
export function ExportSession({ bundles, actions }: ExportSessionProps) {
  const [redact, setRedact] = useState(true);
  const exported = bundles.exported;
  return (
    <div className="export-session" data-testid="export-session">
      <button
        type="button"
        className="btn btn-secondary"
        onClick={() => void actions.exportSession(redact)}
        disabled={bundles.exporting}
        data-testid="session-export"
      >
        {bundles.exporting ? 'Exporting…' : 'Export session…'}
      </button>
      <label className="check">
        <input type="checkbox" checked={redact} onChange={(e) => setRedact(e.target.checked)} />
        Redact home folder, user and host names
      </label>
      {exported?.path ? (
        <span className="export-result" data-testid="session-exported">
          <span className="ok-text">✓ Saved {formatBytes(exported.sizeBytes)}:</span>
          <span className="mono">{exported.path}</span>
          <CopyButton text={exported.path} label="Copy path" />
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={() => void actions.openBundle(exported.path!)}
            data-testid="session-exported-open"
          >
            Open it
          </button>
        </span>
      ) : null}
      {bundles.exportError ? (
        <span className="error-text" role="alert" data-testid="session-export-error">
          {errorHeadline(bundles.exportError)}: {bundles.exportError.message}
        </span>
      ) : null}
    </div>
  );
}
