import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import { AppError } from '../core/app-error.js';
import type { Clock } from '../core/clock.js';
import type { BusEvent, BusListener, IoOptions, UsbBus, UsbTransport } from '../transport/usb-transport.js';
import { isStDfuDevice, portLocationOf, snapshotIdentity } from './identity-snapshot.js';
import { loadNodeWebUsb } from './load-webusb.js';
import { raceIo } from './race-io.js';
import type { UsbBusNote, UsbBusNoteListener } from './usb-bus-notes.js';
import { UsbDeviceTransport } from './usb-device-transport.js';
import { mapUsbError, usbUnavailableFromList, usbUnavailableFromLoad } from './usb-error-map.js';
import type { WebUsbConnectionEventLike, WebUsbDeviceLike, WebUsbLike } from './webusb-types.js';

export interface UsbBackendOptions {
  clock: Clock;
  /** A WebUSB-like object to use (tests). Default: the `usb` package's `usb` instance, loaded lazily. */
  webusb?: WebUsbLike;
  /** Replaces the default loader (tests of a missing library). */
  loadWebUsb?: () => Promise<WebUsbLike>;
  platform?: NodeJS.Platform;
  arch?: string;
  /** Linux: is /sys/bus/usb there? Default: looks. */
  hasUsbSubsystem?: () => boolean;
  /** Report every device in bus events, not only ST DFU ones (0483:df11, 0483:5720). */
  reportAllDevices?: boolean;
  /** Per GET_DESCRIPTOR / open while taking an identity. Default 1000 ms. */
  descriptorTimeoutMs?: number;
  /** Slack the clock gives a control transfer that carries its own OS timeout. Default 500 ms. */
  nativeTimeoutGraceMs?: number;
  /** Bound on releasing and closing a handle. Default 2000 ms. */
  closeTimeoutMs?: number;
  /** Where the udev rule lives, for the permission hint. Default resources/udev/50-stm32mp-dfu.rules. */
  udevRulePath?: string;
  /**
   * Poll getDevices() every this many ms instead of using node-usb's connect/disconnect events. An escape
   * hatch: node-usb rethrows a failure to start its hotplug watch (e.g. no udev netlink socket in a
   * sandbox) as an uncaught exception, which polling never triggers. Default: events.
   */
  pollIntervalMs?: number;
}

export interface UsbBackend extends UsbBus {
  /** Loads the library and checks that the OS lists devices; rejects 'usb-unavailable' when it cannot. */
  ready(options: IoOptions): Promise<void>;
  /** Bus notes (serial changes, unreadable strings, watcher failure); returns the unsubscribe function. */
  subscribeNotes(listener: UsbBusNoteListener): () => void;
}

interface Entry {
  key: string;
  connectionId: string;
  device: WebUsbDeviceLike;
  portPath: string;
  reported: boolean;
  identity: Promise<BoardIdentity>;
  transports: Set<UsbDeviceTransport>;
}

/**
 * The production UsbBus over a WebUSB-like object (node-usb v3). The device table is the truth: a device
 * enters it once per enumeration (from a `connect` event or a `list()` that finds it first) and leaves
 * it once (`disconnect`, or a `list()` that no longer sees it); bus events are exactly those changes, in
 * order. Identities are snapshotted when a device enters, before its `connect` is delivered.
 *
 * The watcher starts on first use (list, subscribe, open, ready) and runs until close(), whether or not
 * anyone is subscribed, because open handles must learn that their device left.
 */
export function createUsbBackend(options: UsbBackendOptions): UsbBackend {
  const clock = options.clock;
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const descriptorTimeoutMs = options.descriptorTimeoutMs ?? 1000;
  const load =
    options.loadWebUsb ??
    (() =>
      options.webusb
        ? Promise.resolve(options.webusb)
        : loadNodeWebUsb({ platform, arch, hasUsbSubsystem: options.hasUsbSubsystem }));

  const table = new Map<string, Entry>();
  const listeners = new Set<BusListener>();
  const noteListeners = new Set<UsbBusNoteListener>();
  const serialByPort = new Map<string, string | null>();
  const syntheticKeys = new WeakMap<object, string>();
  let webusb: WebUsbLike | null = null;
  let starting: Promise<WebUsbLike> | null = null;
  let closed = false;
  let enumerations = 0;
  let syntheticCount = 0;
  let queue: Promise<void> = Promise.resolve();
  let cancelPoll: (() => void) | null = null;

  const keyOf = (device: WebUsbDeviceLike): string => {
    if (typeof device.handle === 'string' && device.handle !== '') return device.handle;
    let key = syntheticKeys.get(device);
    if (!key) syntheticKeys.set(device, (key = `object-${++syntheticCount}`));
    return key;
  };

  const deliver = <T>(set: Set<(value: T) => void>, value: T): void => {
    for (const listener of [...set]) {
      try {
        listener(value);
      } catch {
        // A listener's bug must not stop the bus for the others.
      }
    }
  };
  const note = (value: UsbBusNote): void => deliver(noteListeners, value);
  const enqueue = (step: () => Promise<void>): void => {
    queue = queue.then(step).catch(() => undefined);
  };

  const rememberSerial = (identity: BoardIdentity): void => {
    const known = serialByPort.has(identity.portPath);
    const previousSerial = serialByPort.get(identity.portPath) ?? null;
    serialByPort.set(identity.portPath, identity.serial);
    if (!known || previousSerial === identity.serial) return;
    note({
      type: 'serial-changed',
      change: identity.serial === null ? 'vanished' : 'changed',
      portPath: identity.portPath,
      previousSerial,
      serial: identity.serial,
      connectionId: identity.connectionId,
      seenAtMs: identity.seenAtMs,
    });
  };

  const addEntry = (device: WebUsbDeviceLike, emit: boolean): Entry => {
    const key = keyOf(device);
    const location = portLocationOf(device, platform);
    const connectionId = `${location.portPath}#${++enumerations}`;
    const reported = isStDfuDevice(device) || options.reportAllDevices === true;
    const seenAtMs = clock.nowMs();
    const snapshot = snapshotIdentity(device, {
      clock,
      platform,
      connectionId,
      seenAtMs,
      seenAt: clock.wallNow().toISOString(),
      readAlts: isStDfuDevice(device),
      descriptorTimeoutMs,
    });
    const entry: Entry = {
      key,
      connectionId,
      device,
      portPath: location.portPath,
      reported,
      identity: snapshot.then((s) => s.identity),
      transports: new Set(),
    };
    table.set(key, entry);
    enqueue(async () => {
      const result = await snapshot;
      if (closed) return;
      if (reported) {
        if (!location.stable) note({ type: 'unstable-port-path', connectionId, portPath: location.portPath });
        for (const problem of result.problems) {
          note({
            type: 'identity-incomplete',
            what: problem.what,
            connectionId,
            portPath: location.portPath,
            error: problem.error.toData(),
          });
        }
        rememberSerial(result.identity);
      }
      if (emit && reported)
        deliver(listeners, { type: 'connect', identity: result.identity } satisfies BusEvent);
    });
    return entry;
  };

  const removeEntry = (entry: Entry, emit: boolean): void => {
    if (table.get(entry.key) !== entry) return;
    table.delete(entry.key);
    for (const transport of entry.transports) transport.markGone();
    enqueue(async () => {
      const identity = await entry.identity;
      if (!closed && emit && entry.reported) deliver(listeners, { type: 'disconnect', identity });
    });
  };

  const reconcile = (devices: readonly WebUsbDeviceLike[], emit: boolean): void => {
    const present = new Map(devices.map((d) => [keyOf(d), d] as const));
    for (const entry of [...table.values()]) if (!present.has(entry.key)) removeEntry(entry, emit);
    for (const [key, device] of present) if (!table.has(key)) addEntry(device, emit);
  };

  const onConnect = (event: WebUsbConnectionEventLike): void => {
    if (closed || table.has(keyOf(event.device))) return;
    addEntry(event.device, true);
  };
  const onDisconnect = (event: WebUsbConnectionEventLike): void => {
    const entry = table.get(keyOf(event.device));
    if (!closed && entry) removeEntry(entry, true);
  };

  const poll = (wu: WebUsbLike, intervalMs: number): void => {
    cancelPoll = clock.setTimer(() => {
      cancelPoll = null;
      wu.getDevices()
        .then((devices) => closed || reconcile(devices, true))
        .catch(() => undefined)
        .finally(() => closed || poll(wu, intervalMs));
    }, intervalMs);
  };

  const start = (): Promise<WebUsbLike> => {
    if (closed) return Promise.reject(new AppError('internal', 'The USB backend is closed.'));
    starting ??= (async () => {
      let loaded: WebUsbLike;
      try {
        loaded = await load();
      } catch (error) {
        throw error instanceof AppError ? error : usbUnavailableFromLoad(error, platform, arch);
      }
      let devices: WebUsbDeviceLike[];
      try {
        // Listing first: it proves the OS gives us a bus before node-usb starts its own watcher.
        devices = await loaded.getDevices();
      } catch (error) {
        throw usbUnavailableFromList(error, platform);
      }
      if (closed) throw new AppError('internal', 'The USB backend is closed.');
      if (options.pollIntervalMs !== undefined) {
        poll(loaded, options.pollIntervalMs);
      } else {
        loaded.addEventListener('connect', onConnect);
        loaded.addEventListener('disconnect', onDisconnect);
        webusb = loaded;
      }
      reconcile(devices, false);
      return loaded;
    })();
    const attempt = starting;
    attempt.catch((error: unknown) => {
      if (starting === attempt) starting = null;
      if (error instanceof AppError) note({ type: 'watch-failed', error: error.toData() });
    });
    return attempt;
  };

  const io = <T>(what: string, run: () => Promise<T>, o: IoOptions): Promise<T> =>
    raceIo(run, { clock, timeoutMs: o.timeoutMs, signal: o.signal, what });

  const backend: UsbBackend = {
    async ready(o) {
      await io('starting the USB watcher', start, o);
    },

    async list(o) {
      return io(
        'listing USB devices',
        async () => {
          const wu = await start();
          let devices: WebUsbDeviceLike[];
          try {
            devices = await wu.getDevices();
          } catch (error) {
            throw usbUnavailableFromList(error, platform);
          }
          reconcile(devices, true);
          const wanted = [...table.values()].filter((e) => e.reported || o.all === true);
          const identities = await Promise.all(wanted.map((e) => e.identity));
          return identities.sort((a, b) => a.portPath.localeCompare(b.portPath, 'en', { numeric: true }));
        },
        o,
      );
    },

    subscribe(listener) {
      listeners.add(listener);
      start().catch(() => undefined);
      return () => {
        listeners.delete(listener);
      };
    },

    subscribeNotes(listener) {
      noteListeners.add(listener);
      return () => {
        noteListeners.delete(listener);
      };
    },

    async open(connectionId, o): Promise<UsbTransport> {
      await io('starting the USB watcher', start, o);
      const find = (): Entry | undefined => [...table.values()].find((e) => e.connectionId === connectionId);
      const gone = (): AppError =>
        new AppError('device-gone', `The device ${connectionId} is no longer on the bus.`, { connectionId });
      const entry = find();
      if (!entry) throw gone();
      // The identity snapshot may have the device open to read descriptors; let it finish first.
      const identity = await io(`identity of ${connectionId}`, () => entry.identity, o);
      if (find() !== entry) throw gone();
      if ([...entry.transports].some((t) => !t.isClosed)) {
        throw new AppError(
          'usb-busy',
          `The device ${connectionId} is already open in this application.`,
          { connectionId, portPath: entry.portPath },
          'Close the other handle first.',
        );
      }
      let abandoned = false;
      try {
        await raceIo(() => entry.device.open(), {
          clock,
          timeoutMs: o.timeoutMs,
          signal: o.signal,
          what: `open of ${connectionId}`,
          fields: { operation: 'open', connectionId, portPath: entry.portPath },
          onAbandon: (_reason, pending) => {
            abandoned = true;
            // An open that completes after we gave up would leak the OS handle.
            pending.then(() => entry.device.close()).catch(() => undefined);
          },
        });
      } catch (error) {
        if (abandoned || error instanceof AppError) throw error;
        throw mapUsbError(error, {
          operation: 'open',
          platform,
          connectionId,
          portPath: entry.portPath,
          udevRulePath: options.udevRulePath,
        });
      }
      if (find() !== entry) {
        await entry.device.close().catch(() => undefined);
        throw gone();
      }
      const transport = new UsbDeviceTransport(identity, entry.device, {
        clock,
        platform,
        nativeTimeoutGraceMs: options.nativeTimeoutGraceMs ?? 500,
        closeTimeoutMs: options.closeTimeoutMs ?? 2000,
        udevRulePath: options.udevRulePath,
        onClosed: (t) => entry.transports.delete(t),
      });
      entry.transports.add(transport);
      return transport;
    },

    async close() {
      if (closed) return;
      closed = true;
      cancelPoll?.();
      if (webusb) {
        webusb.removeEventListener('connect', onConnect);
        webusb.removeEventListener('disconnect', onDisconnect);
      }
      const transports = [...table.values()].flatMap((e) => [...e.transports]);
      table.clear();
      listeners.clear();
      noteListeners.clear();
      await Promise.all(transports.map((t) => t.close()));
    },
  };
  return backend;
}
