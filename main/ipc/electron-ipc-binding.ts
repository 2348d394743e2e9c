import { IPC_WIRE, type EventChannel } from '../../shared/ipc/ipc-registry.js';
import type { AppEventHub } from '../app/app-events.js';
import type { IpcDispatcher } from './ipc-dispatcher.js';

/**
 * The parts of Electron's ipcMain / WebContents this binding uses, typed structurally so that main/ipc
 * stays free of the `electron` import (only main/electron may have it) and testable in plain Node.
 */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown,
  ): void;
  removeHandler(channel: string): void;
}

export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

export interface ElectronIpcBindingOptions {
  ipcMain: IpcMainLike;
  dispatcher: IpcDispatcher;
  events: AppEventHub;
  /** Requests are answered only for frames of the app's own origin (never a navigated-away page). */
  isTrustedFrameUrl: (url: string) => boolean;
  /** The window's webContents to push events to. */
  target: EventTarget;
}

export function bindElectronIpc(options: ElectronIpcBindingOptions): () => void {
  const { ipcMain, dispatcher, events, target } = options;
  ipcMain.handle(IPC_WIRE.invoke, (event, channel, payload) => {
    const url = event.senderFrame?.url ?? '';
    if (!options.isTrustedFrameUrl(url)) {
      return {
        ok: false,
        error: { code: 'bad-input', message: 'Request from an untrusted frame.', hint: null, fields: {} },
      };
    }
    return dispatcher.dispatch(channel, payload);
  });
  const unsubscribe = events.subscribe((channel: EventChannel, payload) => {
    if (!target.isDestroyed()) target.send(IPC_WIRE.event, channel, payload);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_WIRE.invoke);
  };
}
