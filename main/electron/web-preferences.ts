import type { WebPreferences } from 'electron';

/**
 * The renderer's sandbox, one definition for every window (bench and kiosk): a setting loosened in one
 * place only would be a hole. The renderer reaches main through the preload's typed API alone.
 */
export function secureWebPreferences(preloadPath: string, devTools: boolean): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false,
    devTools,
  };
}
