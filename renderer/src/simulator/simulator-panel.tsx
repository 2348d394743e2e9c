import { useState } from 'react';
import type { SocId } from '../../../shared/domain/flash-event.js';
import type { SimPlugRequest, SimState } from '../../../shared/ipc/simulator-channels.js';
import { Panel } from '../app/panel.js';
import { socLabel } from '../app/stage-labels.js';

export interface SimulatorPanelProps {
  sim: SimState;
  onPlug: (request: SimPlugRequest) => void;
  onUnplug: (label: string) => void;
}

export function SimulatorPanel({ sim, onPlug, onUnplug }: SimulatorPanelProps) {
  const [soc, setSoc] = useState<SocId>('mp15');
  const [port, setPort] = useState('');
  const [scenario, setScenario] = useState('');
  const portValue = port && sim.freePorts.includes(port) ? port : '';
  return (
    <Panel
      title="Simulator"
      id="simulator"
      className="panel-sim"
      aside={<span className="count">{sim.timeScale === 1 ? 'real speed' : `time × ${sim.timeScale}`}</span>}
    >
      <form
        className="sim-form"
        onSubmit={(e) => {
          e.preventDefault();
          onPlug({ soc, portPath: portValue || null, scenario: scenario || null });
        }}
      >
        <label>
          <span>SoC</span>
          <select
            className="input"
            value={soc}
            onChange={(e) => setSoc(e.target.value as SocId)}
            data-testid="sim-soc"
          >
            {sim.socs.map((s) => (
              <option key={s} value={s}>
                {socLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Port</span>
          <select
            className="input"
            value={portValue}
            onChange={(e) => setPort(e.target.value)}
            data-testid="sim-port"
          >
            <option value="">next free</option>
            {sim.freePorts.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label className="sim-wide">
          <span>Fault</span>
          <select
            className="input"
            value={scenario}
            onChange={(e) => setScenario(e.target.value)}
            data-testid="sim-scenario"
          >
            <option value="">none: a healthy board</option>
            {sim.scenarios.map((s) => (
              <option key={s.id} value={s.id} title={s.hostSees}>
                {s.title}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-secondary sim-wide" data-testid="sim-plug">
          Plug in a board
        </button>
      </form>
      {sim.boards.length > 0 ? (
        <ul className="sim-boards">
          {sim.boards.map((b) => (
            <li key={b.label}>
              <span className="mono">{b.portPath ?? '—'}</span>
              <span>
                {socLabel(b.soc)}
                <span className="sub">
                  {b.stage}
                  {b.scenario ? <span className="warn-text"> · {b.scenario}</span> : null}
                </span>
              </span>
              <button
                type="button"
                className="btn btn-small btn-ghost"
                onClick={() => onUnplug(b.label)}
                aria-label={`Unplug ${b.label}`}
              >
                Unplug
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </Panel>
  );
}
