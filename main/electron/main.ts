import { app, BrowserWindow, dialog, ipcMain } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAppOptions } from '../app/app-options.js';
import { createAppServices, type AppServices } from '../app/create-app-services.js';
import { findPackageRoot, rendererDirOf, udevRulePathOf } from '../app/package-root.js';
import { bindElectronIpc } from '../ipc/electron-ipc-binding.js';
import { createIpcDispatcher } from '../ipc/ipc-dispatcher.js';
import { createIpcHandlers } from '../ipc/ipc-handlers.js';
import { handleAppProtocol, isAppUrl, registerAppScheme } from './app-protocol.js';
import { bundleDialogs } from './bundle-dialogs.js';
import {
  createKioskWindow,
  createMainWindow,
  denyAllPermissions,
  lockDownWebContents,
} from './main-window.js';

/**
 * The Electron shell: the only place that imports `electron`. It composes the same services as the
 * web mode, opens one locked-down window and binds the IPC contract to it.
 */
const root = findPackageRoot();
const here = path.dirname(fileURLToPath(import.meta.url));
const options = parseAppOptions(process.argv.slice(app.isPackaged ? 1 : 2));
let services: AppServices | null = null;

registerAppScheme();
app.enableSandbox();
lockDownWebContents();

function udevRulePath(): string {
  return app.isPackaged
    ? path.join(process.resourcesPath, 'udev', '50-stm32mp-dfu.rules')
    : udevRulePathOf(root);
}

async function start(): Promise<void> {
  denyAllPermissions();
  handleAppProtocol(rendererDirOf(root));
  let window: BrowserWindow | null = null;
  services = await createAppServices({
    mode: 'electron',
    options,
    userDataDir: app.getPath('userData'),
    appVersion: app.getVersion(),
    electronVersion: process.versions.electron,
    udevRulePath: udevRulePath(),
    // PIN-authorized exit from operator mode: an ordinary window again, closable.
    onStationLeave() {
      window?.setKiosk(false);
    },
    // Locked again from the bench: kiosk again (the close guard reads the lock state itself).
    onStationLock() {
      window?.setKiosk(true);
    },
    // Operator mode has no file dialogs: the profile pins the one layout.
    ...(options.stationProfile ? {} : { pickLayout, ...bundleDialogs(() => window) }),
  });
  async function pickLayout(): Promise<string | null> {
    const settings = services?.settings.get();
    const result = await dialog.showOpenDialog(window ?? BrowserWindow.getFocusedWindow()!, {
      title: 'Open a FlashLayout',
      ...(settings?.folders.layouts ? { defaultPath: settings.folders.layouts } : {}),
      properties: ['openFile'],
      filters: [
        { name: 'FlashLayout', extensions: ['tsv'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  }
  const dispatcher = createIpcDispatcher(createIpcHandlers(services), services.log);
  const station = services.station;
  window = station
    ? createKioskWindow(path.join(here, 'preload.cjs'), () => station.isLocked())
    : createMainWindow(path.join(here, 'preload.cjs'));
  const unbind = bindElectronIpc({
    ipcMain,
    dispatcher,
    events: services.events,
    isTrustedFrameUrl: isAppUrl,
    target: window.webContents,
  });
  window.on('closed', () => {
    unbind();
    window = null;
  });
}

app.on('window-all-closed', () => app.quit());

let closing = false;
app.on('before-quit', (event) => {
  if (closing || !services) return;
  // Cancel a running flash and release the bus before the process ends.
  event.preventDefault();
  closing = true;
  void services.close().finally(() => app.quit());
});

app
  .whenReady()
  .then(start)
  .catch((error: unknown) => {
    dialog.showErrorBox(
      'STM32MP Flash Station could not start',
      error instanceof Error ? error.message : String(error),
    );
    app.exit(1);
  });
