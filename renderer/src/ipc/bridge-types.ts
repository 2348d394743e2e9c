import type { RawIpcTransport } from '../../../shared/ipc/ipc-client.js';

/** What the Electron preload puts on `window.flashStation` (nothing else of Electron is reachable). */
export interface FlashStationBridge extends RawIpcTransport {
  /** The absolute path of a dropped file (Electron's webUtils); absent in web mode. */
  pathForFile?: (file: File) => string;
}

declare global {
  interface Window {
    flashStation?: FlashStationBridge;
  }
}
