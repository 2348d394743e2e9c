import { formatVidPid } from '../../../shared/domain/board-identity.js';
import type { BusBoard } from '../../../shared/ipc/boards-channels.js';
import { stageLabel } from '../../../shared/domain/stage-labels.js';
import { Panel } from '../app/panel.js';
import { socLabel, speedLabel, speedShort } from '../app/stage-labels.js';

export interface BoardsPanelProps {
  boards: BusBoard[];
  /** The port picked as the target (null: the only board, if there is one). */
  selectedPort: string | null;
  effectivePort: string | null;
  onSelect: (portPath: string | null) => void;
  locked: boolean;
}

export function BoardsPanel({ boards, selectedPort, effectivePort, onSelect, locked }: BoardsPanelProps) {
  return (
    <Panel title="Boards" id="boards" aside={<span className="count">{boards.length} on the bus</span>}>
      {boards.length === 0 ? (
        <div className="empty">
          <p className="empty-title">No STM32MP board in USB DFU mode</p>
          <p>
            Set the boot pins to serial boot (USB), connect the USB OTG port to this computer and power the
            board.
          </p>
        </div>
      ) : (
        <ul className="board-list" aria-label="Boards on the bus">
          {boards.map((board) => {
            const port = board.identity.portPath;
            const picked = effectivePort === port;
            const soc = board.info.socName ?? socLabel(board.info.soc);
            return (
              <li key={board.identity.connectionId}>
                <button
                  type="button"
                  className={`board ${picked ? 'board-picked' : ''}`}
                  aria-pressed={picked}
                  disabled={locked && !picked}
                  onClick={() => onSelect(selectedPort === port ? null : port)}
                  data-testid={`board-${port}`}
                >
                  <span className="board-row">
                    <span
                      className="board-port"
                      title="USB port path: the key that stays the same across re-enumerations"
                    >
                      {port}
                    </span>
                    <span className={`stage-badge stage-${board.info.stage}`}>
                      {stageLabel(board.info.stage)}
                    </span>
                    {board.flashing ? <span className="pill pill-live">flashing</span> : null}
                  </span>
                  <span className="board-soc">{soc}</span>
                  <span className="board-meta">
                    <span title="Serial number">{board.identity.serial ?? 'no serial'}</span>
                  </span>
                  <span className="board-meta">
                    <span>{formatVidPid(board.identity)}</span>
                    <span
                      className={board.identity.speed === 'full' ? 'warn-text' : ''}
                      title={speedLabel(board.identity.speed)}
                    >
                      {speedShort(board.identity.speed)}
                    </span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <p className="hint-line">
        {effectivePort ? (
          <>
            Target: port <strong>{effectivePort}</strong>
            {selectedPort === null ? ' (the only board)' : ''}
          </>
        ) : boards.length > 1 ? (
          'Several boards: pick the one to flash.'
        ) : (
          'The board is followed by its port path through every re-enumeration.'
        )}
      </p>
    </Panel>
  );
}
