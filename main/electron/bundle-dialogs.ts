import { app, BrowserWindow, dialog } from 'electron';
import path from 'node:path';

/** The native dialogs of "Export session…" and "Open bundle…", for createAppServices. */
export function bundleDialogs(windowOf: () => BrowserWindow | null): {
  pickBundleSavePath: (defaultName: string) => Promise<string | null>;
  pickBundle: () => Promise<string | null>;
} {
  const parent = (): BrowserWindow => windowOf() ?? BrowserWindow.getFocusedWindow()!;
  return {
    async pickBundleSavePath(defaultName) {
      const result = await dialog.showSaveDialog(parent(), {
        title: 'Export session as a support bundle',
        defaultPath: path.join(app.getPath('documents'), defaultName),
        filters: [{ name: 'Support bundle', extensions: ['zip'] }],
      });
      return result.canceled ? null : (result.filePath ?? null);
    },
    async pickBundle() {
      const result = await dialog.showOpenDialog(parent(), {
        title: 'Open a support bundle',
        properties: ['openFile'],
        filters: [
          { name: 'Support bundle', extensions: ['zip'] },
          { name: 'All files', extensions: ['*'] },
        ],
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}
