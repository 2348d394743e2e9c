import type { RawIpcTransport } from '../../../shared/ipc/ipc-client.js';
import type { FlashStationBridge } from './bridge-types.js';
import { createWebTransport } from './web-transport.js';

export type PickedTransport =
  | { kind: 'electron'; transport: RawIpcTransport; bridge: FlashStationBridge }
  | { kind: 'web'; transport: RawIpcTransport; bridge: null }
  | { kind: 'none'; reason: string };

/** The Electron preload's bridge when there is one, else the web transport with the URL's token. */
export function pickTransport(win: Window): PickedTransport {
  const bridge = win.flashStation;
  if (bridge) return { kind: 'electron', transport: bridge, bridge };
  const token = new URLSearchParams(win.location.search).get('token');
  if (!token) {
    return {
      kind: 'none',
      reason: 'This page was opened without its access token. Open the exact address `npm run web` printed.',
    };
  }
  return { kind: 'web', transport: createWebTransport(token, win.location.origin), bridge: null };
}
