// The sandboxed preload: CommonJS, and it may load nothing but `electron` at run time, so the wire
// names are repeated here; their types tie them to shared/ipc/ipc-registry.ts.
import electron = require('electron');
import type { RawIpcTransport } from '../../shared/ipc/ipc-client.js';
import type { IPC_WIRE } from '../../shared/ipc/ipc-registry.js';

const INVOKE: typeof IPC_WIRE.invoke = 'flash-station:invoke';
const EVENT: typeof IPC_WIRE.event = 'flash-station:event';
const BRIDGE_KEY: typeof IPC_WIRE.bridgeKey = 'flashStation';

type Listener = (channel: string, payload: unknown) => void;
const listeners = new Set<Listener>();

electron.ipcRenderer.on(EVENT, (_event, channel: unknown, payload: unknown) => {
  if (typeof channel !== 'string') return;
  for (const listener of [...listeners]) listener(channel, payload);
});

const bridge: RawIpcTransport & { pathForFile: (file: File) => string } = {
  // Only the one request channel is reachable; main validates the channel name and the payload.
  invoke: (channel, payload) => electron.ipcRenderer.invoke(INVOKE, String(channel), payload),
  subscribe(listener) {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
  pathForFile: (file) => electron.webUtils.getPathForFile(file),
};

electron.contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
