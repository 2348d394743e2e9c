import { BrowserWindow, Menu, app, session, shell, type WebContents } from 'electron';
import { APP_ORIGIN, isAppUrl } from './app-protocol.js';
import { isBlockedShortcut, kioskWindowOptions } from './kiosk-window.js';
import { secureWebPreferences } from './web-preferences.js';

/** No renderer may ask for a camera, notifications, USB, HID, serial …: the app needs none of them. */
export function denyAllPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);
}

/** Every web contents, now and later: no navigation away, no new windows, no <webview>. */
export function lockDownWebContents(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Documentation links open in the user's browser, never in an app window.
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

export function createMainWindow(preloadPath: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    title: 'STM32MP Flash Station',
    backgroundColor: '#0d1320',
    show: false,
    webPreferences: secureWebPreferences(preloadPath, !app.isPackaged),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

/**
 * Operator mode (--station): a kiosk window with no menu and no devtools, whose reload, zoom, devtools
 * and quit/close chords are swallowed, and which cannot be closed until the admin PIN unlocked it.
 */
export function createKioskWindow(preloadPath: string, isLocked: () => boolean): BrowserWindow {
  Menu.setApplicationMenu(null);
  const window = new BrowserWindow(kioskWindowOptions(preloadPath));
  window.setMenuBarVisibility(false);
  window.webContents.on('before-input-event', (event, input) => {
    if (isBlockedShortcut(input)) event.preventDefault();
  });
  window.on('close', (event) => {
    if (isLocked()) event.preventDefault();
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}
