import { useEffect, useState } from 'react';
import { countBySeverity } from '../../../shared/domain/layout-problem.js';
import { errorHeadline } from '../app/error-text.js';
import { baseName, formatBytes } from '../app/format-units.js';
import { Panel } from '../app/panel.js';
import { useFileDrop } from '../app/use-file-drop.js';
import { socLabel } from '../app/stage-labels.js';
import type { LayoutState } from '../app/app-state.js';
import type { PartitionProgress } from '../flash/flash-reducer.js';
import { plannedTransferBytes, pluralize } from './layout-format.js';
import { PartitionTable } from './partition-table.js';
import { ProblemList } from './problem-list.js';

export interface LayoutPanelProps {
  layout: LayoutState;
  canPickFiles: boolean;
  progress: readonly PartitionProgress[];
  locked: boolean;
  onOpen: (path: string) => void;
  onPick: () => void;
  /** Electron: the absolute path of a dropped file. */
  pathForFile: ((file: File) => string) | null;
}

export function LayoutPanel({
  layout,
  canPickFiles,
  progress,
  locked,
  onOpen,
  onPick,
  pathForFile,
}: LayoutPanelProps) {
  const [draft, setDraft] = useState(layout.path ?? '');
  const { dragging, dropNote, handlers: dropHandlers } = useFileDrop(pathForFile, onOpen);
  useEffect(() => {
    if (layout.path) setDraft(layout.path);
  }, [layout.path]);
  const plan = layout.plan;
  const counts = plan ? countBySeverity(plan.problems) : null;

  return (
    <Panel
      title="FlashLayout"
      id="layout"
      className={dragging ? 'panel-drop' : ''}
      aside={
        plan && counts ? (
          <span
            className={`count ${counts.error > 0 ? 'count-error' : counts.warning > 0 ? 'count-warn' : 'count-ok'}`}
          >
            {counts.error > 0
              ? pluralize(counts.error, 'error')
              : counts.warning > 0
                ? pluralize(counts.warning, 'warning')
                : 'ready'}
          </span>
        ) : null
      }
    >
      <div className="drop-area" {...dropHandlers}>
        <form
          className="path-bar"
          onSubmit={(e) => {
            e.preventDefault();
            onOpen(draft);
          }}
        >
          <label className="sr-only" htmlFor="layout-path">
            Path of the FlashLayout .tsv
          </label>
          <input
            id="layout-path"
            className="input mono"
            type="text"
            spellCheck={false}
            placeholder="/path/to/FlashLayout_sdcard.tsv — or drop the file here"
            value={draft}
            disabled={locked}
            onChange={(e) => setDraft(e.target.value)}
            list="recent-layouts"
          />
          <datalist id="recent-layouts">
            {layout.recent.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
          <button
            type="submit"
            className="btn btn-secondary"
            disabled={locked || layout.loading || !draft.trim()}
          >
            {layout.loading ? 'Checking…' : 'Open'}
          </button>
          {canPickFiles ? (
            <button type="button" className="btn btn-ghost" onClick={onPick} disabled={locked}>
              Browse…
            </button>
          ) : null}
        </form>
        {dropNote ? <p className="hint-line warn-text">{dropNote}</p> : null}
        {layout.recent.length > 0 && !plan && !layout.loading ? (
          <div className="recent">
            <span className="sub">Recent:</span>
            {layout.recent.slice(0, 4).map((p) => (
              <button
                key={p}
                type="button"
                className="btn btn-link"
                onClick={() => onOpen(p)}
                title={p}
                disabled={locked}
              >
                {baseName(p)}
              </button>
            ))}
          </div>
        ) : null}
      </div>

      {layout.error ? (
        <div className="callout callout-error" role="alert">
          <strong>{errorHeadline(layout.error)}</strong>
          <p>{layout.error.message}</p>
          {layout.error.hint ? <p className="sub">{layout.error.hint}</p> : null}
        </div>
      ) : null}

      {plan && counts ? (
        <>
          <dl className="summary">
            <div>
              <dt>File</dt>
              <dd className="mono" title={plan.layoutPath}>
                {baseName(plan.layoutPath)}
              </dd>
            </div>
            <div>
              <dt>SoC</dt>
              <dd title={plan.soc.reason}>{plan.soc.soc ? socLabel(plan.soc.soc) : 'not known'}</dd>
            </div>
            <div>
              <dt>Rows</dt>
              <dd>{plan.partitions.length}</dd>
            </div>
            <div>
              <dt>To send</dt>
              <dd>{formatBytes(plannedTransferBytes(plan))}</dd>
            </div>
            <div>
              <dt>U-Boot would</dt>
              <dd className={plan.uboot.result === 'accepted' ? 'ok-text' : 'error-text'}>
                {plan.uboot.result === 'accepted' ? 'accept it' : 'refuse it'}
              </dd>
            </div>
            <div>
              <dt>Checks</dt>
              <dd>
                {pluralize(counts.error, 'error')}, {pluralize(counts.warning, 'warning')}, {counts.info} info
              </dd>
            </div>
          </dl>
          <PartitionTable plan={plan} progress={progress} />
          <ProblemList problems={plan.problems} />
        </>
      ) : !layout.error && !layout.loading ? (
        <p className="empty">
          Open a FlashLayout (.tsv): every row is checked the way U-Boot's stm32prog reads it, with the
          binaries it names.
        </p>
      ) : null}
    </Panel>
  );
}
