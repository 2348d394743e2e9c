import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createIpcClient } from '../../shared/ipc/ipc-client.js';
import { App } from './app/app.js';
import { pickTransport } from './ipc/pick-transport.js';
import { StationGate } from './station/station-gate.js';
import './styles/app.css';

const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');
const root = createRoot(container);
const picked = pickTransport(window);

if (picked.kind === 'none') {
  root.render(
    <main className="fatal">
      <h1>STM32MP Flash Station</h1>
      <p>{picked.reason}</p>
    </main>,
  );
} else {
  const client = createIpcClient(picked.transport, (text) => {
    void picked.transport.invoke('log.write', { level: 'warn', message: `IPC contract mismatch: ${text}` });
  });
  const pathForFile = picked.bridge?.pathForFile ?? null;
  root.render(
    <StrictMode>
      <StationGate client={client}>
        <App client={client} pathForFile={pathForFile} />
      </StationGate>
    </StrictMode>,
  );
}
