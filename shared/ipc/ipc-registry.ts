import type { z } from 'zod';
import { APP_CHANNELS } from './app-channels.js';
import { BOARDS_CHANNELS, BOARDS_EVENTS } from './boards-channels.js';
import { FLASH_CHANNELS, FLASH_EVENTS } from './flash-channels.js';
import { HOST_CHANNELS, HOST_EVENTS } from './host-channels.js';
import { LAYOUT_CHANNELS } from './layout-channels.js';
import { LOG_CHANNELS } from './log-channels.js';
import { SESSION_CHANNELS } from './session-channels.js';
import { SETTINGS_CHANNELS, SETTINGS_EVENTS } from './settings-channels.js';
import { SIMULATOR_CHANNELS, SIMULATOR_EVENTS } from './simulator-channels.js';
import { STATION_CHANNELS, STATION_EVENTS } from './station-channels.js';

/** Every request channel, declared once; main binds exactly these, the client calls exactly these. */
export const IPC_REQUESTS = {
  ...APP_CHANNELS,
  ...BOARDS_CHANNELS,
  ...LAYOUT_CHANNELS,
  ...FLASH_CHANNELS,
  ...HOST_CHANNELS,
  ...SETTINGS_CHANNELS,
  ...SIMULATOR_CHANNELS,
  ...LOG_CHANNELS,
  ...SESSION_CHANNELS,
  ...STATION_CHANNELS,
} as const;

/** Every main → renderer event, declared once. */
export const IPC_EVENTS = {
  ...BOARDS_EVENTS,
  ...FLASH_EVENTS,
  ...HOST_EVENTS,
  ...SETTINGS_EVENTS,
  ...SIMULATOR_EVENTS,
  ...STATION_EVENTS,
} as const;

export type IpcRequests = typeof IPC_REQUESTS;
export type IpcEvents = typeof IPC_EVENTS;
export type RequestChannel = keyof IpcRequests;
export type EventChannel = keyof IpcEvents;
export type RequestOf<C extends RequestChannel> = z.input<IpcRequests[C]['request']>;
export type ResponseOf<C extends RequestChannel> = z.output<IpcRequests[C]['response']>;
export type EventOf<E extends EventChannel> = z.output<IpcEvents[E]['payload']>;

export function isRequestChannel(value: unknown): value is RequestChannel {
  return typeof value === 'string' && Object.hasOwn(IPC_REQUESTS, value);
}

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && Object.hasOwn(IPC_EVENTS, value);
}

/**
 * The two wire names every transport uses: one for requests, one for events. The sandboxed preload
 * cannot load this module at run time, so it repeats them with a type that must match these.
 */
export const IPC_WIRE = {
  invoke: 'flash-station:invoke',
  event: 'flash-station:event',
  /** The key under which the preload exposes the bridge on `window`. */
  bridgeKey: 'flashStation',
} as const;
