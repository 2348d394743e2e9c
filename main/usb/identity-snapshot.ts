import type { AltSettingInfo, BoardIdentity, UsbSpeed } from '../../shared/domain/board-identity.js';
import { ST_DFU_PID, ST_VID } from '../../shared/domain/board-identity.js';
import type { Clock } from '../core/clock.js';
import type { AppError } from '../core/app-error.js';
import { readAlternateNames } from './descriptor-reader.js';
import { raceIo } from './race-io.js';
import { mapUsbError, type UsbOperation } from './usb-error-map.js';
import type { WebUsbDeviceLike } from './webusb-types.js';

/** What a board running U-Boot without ST's `g_dnl_bind_fixup` shows (CONFIG_USB_GADGET_PRODUCT_NUM). */
export const ST_GADGET_DEFAULT_PID = 0x5720;

export function isStDfuDevice(device: Pick<WebUsbDeviceLike, 'vendorId' | 'productId'>): boolean {
  return (
    device.vendorId === ST_VID &&
    (device.productId === ST_DFU_PID || device.productId === ST_GADGET_DEFAULT_PID)
  );
}

/** node-usb splits bcdDevice into major (high byte) / minor / subminor nibbles; this puts it back. */
export function bcdDeviceOf(
  device: Pick<WebUsbDeviceLike, 'deviceVersionMajor' | 'deviceVersionMinor' | 'deviceVersionSubminor'>,
): number {
  return (
    ((device.deviceVersionMajor & 0xff) << 8) |
    ((device.deviceVersionMinor & 0x0f) << 4) |
    (device.deviceVersionSubminor & 0x0f)
  );
}

const SPEEDS: Record<string, UsbSpeed> = {
  low: 'low',
  full: 'full',
  high: 'high',
  super: 'super',
  superPlus: 'super-plus',
  'super-plus': 'super-plus',
};

export function speedOf(speed: string | undefined): UsbSpeed {
  return (speed !== undefined && SPEEDS[speed]) || 'unknown';
}

/**
 * The bus as a number where the OS has one: Linux "001" (decimal), macOS "14" (hex: the top byte of the
 * IOKit locationID). Windows names the bus by its location path ("PCIROOT(0)#PCI(1400)#USBROOT(0)"), so
 * there is no number.
 */
export function busNumberOf(bus: string | number | undefined, platform: NodeJS.Platform): number | null {
  if (typeof bus === 'number') return Number.isInteger(bus) ? bus : null;
  if (bus === undefined || bus === '') return null;
  if (platform === 'darwin' && /^[0-9a-f]+$/i.test(bus)) return parseInt(bus, 16);
  if (/^\d+$/.test(bus)) return parseInt(bus, 10);
  return null;
}

export interface PortLocation {
  bus: number | null;
  ports: number[];
  portPath: string;
  /** False when the OS gave no port chain: the path then names the enumeration, not the socket. */
  stable: boolean;
}

/** `<bus>-<p1>.<p2>…` as Linux sysfs names it; on Windows the bus part is the controller's location path. */
export function portLocationOf(device: WebUsbDeviceLike, platform: NodeJS.Platform): PortLocation {
  const bus = busNumberOf(device.bus, platform);
  const ports = [...(device.ports ?? [])];
  const busLabel =
    bus !== null ? String(bus) : device.bus !== undefined && device.bus !== '' ? String(device.bus) : '?';
  if (ports.length === 0) {
    return { bus, ports, portPath: `${busLabel}-@${device.address ?? '?'}`, stable: false };
  }
  return { bus, ports, portPath: `${busLabel}-${ports.join('.')}`, stable: true };
}

/** Reads a node-usb getter that may do I/O and throw; the error is kept for the caller's notes. */
export function readProperty<T>(read: () => T | null | undefined): { value: T | null; error: unknown } {
  try {
    return { value: read() ?? null, error: null };
  } catch (error) {
    return { value: null, error };
  }
}

export interface SnapshotOptions {
  clock: Clock;
  platform: NodeJS.Platform;
  connectionId: string;
  seenAtMs: number;
  seenAt: string;
  /** Read alternate names (and fall back to GET_DESCRIPTOR); off for devices that are not ST DFU. */
  readAlts: boolean;
  descriptorTimeoutMs: number;
}

export interface SnapshotResult {
  identity: BoardIdentity;
  location: PortLocation;
  /** Reads that failed; the identity is complete except for what these name. */
  problems: { what: 'strings' | 'alt-names'; error: AppError }[];
}

/** Takes the identity of one enumeration. Never rejects: what cannot be read is null and listed. */
export async function snapshotIdentity(
  device: WebUsbDeviceLike,
  options: SnapshotOptions,
): Promise<SnapshotResult> {
  const location = portLocationOf(device, options.platform);
  const problems: SnapshotResult['problems'] = [];
  const mapped = (error: unknown, operation: UsbOperation): AppError =>
    mapUsbError(error, {
      operation,
      platform: options.platform,
      connectionId: options.connectionId,
      portPath: location.portPath,
    });

  const manufacturer = readProperty(() => device.manufacturerName);
  const product = readProperty(() => device.productName);
  const serial = readProperty(() => device.serialNumber);
  const stringError = manufacturer.error ?? product.error ?? serial.error;
  if (stringError) problems.push({ what: 'strings', error: mapped(stringError, 'read-descriptor') });

  let alts: AltSettingInfo[] = [];
  if (options.readAlts) {
    const result = await readAlts(device, options);
    alts = result.alts;
    if (result.error) problems.push({ what: 'alt-names', error: mapped(result.error, 'read-descriptor') });
  }

  return {
    location,
    problems,
    identity: {
      connectionId: options.connectionId,
      vid: device.vendorId,
      pid: device.productId,
      bcdDevice: bcdDeviceOf(device),
      manufacturer: manufacturer.value,
      product: product.value,
      serial: serial.value,
      portPath: location.portPath,
      bus: location.bus,
      ports: location.ports,
      speed: speedOf(device.speed),
      alts,
      seenAtMs: options.seenAtMs,
      seenAt: options.seenAt,
    },
  };
}

async function readAlts(
  device: WebUsbDeviceLike,
  options: SnapshotOptions,
): Promise<{ alts: AltSettingInfo[]; error: unknown }> {
  const config = readProperty(() => device.configuration);
  const iface = config.value?.interfaces.find((i) => i.interfaceNumber === 0);
  const fromOs: AltSettingInfo[] = (iface?.alternates ?? []).map((a) => ({
    index: a.alternateSetting,
    name: a.interfaceName ?? null,
  }));
  if (iface && fromOs.every((a) => a.name !== null)) return { alts: fromOs, error: null };

  try {
    const names = await withDeviceOpen(device, options, () =>
      readAlternateNames(device, 0, { clock: options.clock, timeoutMs: options.descriptorTimeoutMs }),
    );
    if (!iface) {
      return {
        alts: [...names].map(([index, name]) => ({ index, name })).sort((a, b) => a.index - b.index),
        error: null,
      };
    }
    return {
      alts: fromOs.map((a) => ({ index: a.index, name: a.name ?? names.get(a.index) ?? null })),
      error: null,
    };
  } catch (error) {
    return { alts: fromOs, error: config.error ?? error };
  }
}

/**
 * Opens (and, for node-usb, claims interface 0 of) a device just long enough to read descriptors, and
 * puts it back as it was. A claim that fails is not fatal: spec WebUSB sends device requests unclaimed.
 */
async function withDeviceOpen<T>(
  device: WebUsbDeviceLike,
  options: SnapshotOptions,
  read: () => Promise<T>,
): Promise<T> {
  const timeoutMs = options.descriptorTimeoutMs;
  const race = <R>(start: () => Promise<R>, what: string): Promise<R> =>
    raceIo(start, { clock: options.clock, timeoutMs, what });
  const wasOpen = device.opened === true;
  if (!wasOpen) await race(() => device.open(), 'open for descriptors');
  let claimed = false;
  try {
    try {
      await race(() => device.claimInterface(0), 'claim for descriptors');
      claimed = true;
    } catch {
      claimed = false;
    }
    return await read();
  } finally {
    if (claimed) await race(() => device.releaseInterface(0), 'release').catch(() => undefined);
    if (!wasOpen) await race(() => device.close(), 'close').catch(() => undefined);
  }
}
