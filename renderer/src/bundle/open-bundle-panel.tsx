import { useState } from 'react';
import { errorHeadline } from '../app/error-text.js';
import { Panel } from '../app/panel.js';
import { useFileDrop } from '../app/use-file-drop.js';
import type { BundleActions, BundleState } from './use-bundles.js';

export interface OpenBundlePanelProps {
  bundles: BundleState;
  actions: BundleActions;
  canPickFiles: boolean;
  pathForFile: ((file: File) => string) | null;
}

/** Opens a support bundle (.zip) for the read-only view: a path, a drop, or the native dialog. */
export function OpenBundlePanel({ bundles, actions, canPickFiles, pathForFile }: OpenBundlePanelProps) {
  const [draft, setDraft] = useState('');
  const {
    dragging,
    dropNote,
    handlers: dropHandlers,
  } = useFileDrop(pathForFile, (path) => {
    setDraft(path);
    void actions.openBundle(path);
  });
  return (
    <Panel title="Support bundle" id="open-bundle" className={dragging ? 'panel-drop' : ''}>
      <div className="drop-area" {...dropHandlers}>
        <form
          className="path-bar"
          onSubmit={(e) => {
            e.preventDefault();
            void actions.openBundle(draft);
          }}
        >
          <label className="sr-only" htmlFor="bundle-path">
            Path of the support bundle .zip
          </label>
          <input
            id="bundle-path"
            className="input mono"
            type="text"
            spellCheck={false}
            placeholder="bundle .zip — or drop it here"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            data-testid="bundle-path"
          />
          <button
            type="submit"
            className="btn btn-secondary"
            disabled={bundles.opening || draft.trim() === ''}
            data-testid="bundle-open"
          >
            {bundles.opening ? 'Opening…' : 'Open bundle'}
          </button>
        </form>
        {canPickFiles ? (
          <button type="button" className="btn btn-link" onClick={() => void actions.pickBundle()}>
            Browse for a bundle…
          </button>
        ) : null}
        {dropNote ? <p className="sub">{dropNote}</p> : null}
        {bundles.openError ? (
          <p className="error-text" role="alert" data-testid="bundle-open-error">
            {errorHeadline(bundles.openError)}: {bundles.openError.message}
            {bundles.openError.hint ? <span className="sub"> {bundles.openError.hint}</span> : null}
          </p>
        ) : (
          <p className="sub">View an exported session read-only, and replay it.</p>
        )}
      </div>
    </Panel>
  );
}
