import { existsSync } from 'node:fs';
import { noUsbSubsystemError, usbUnavailableFromLoad } from './usb-error-map.js';
import type { WebUsbLike } from './webusb-types.js';

const LINUX_USB_SYSFS = '/sys/bus/usb';

function isWebUsbLike(value: unknown): value is WebUsbLike {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate['getDevices'] === 'function' &&
    typeof candidate['addEventListener'] === 'function' &&
    typeof candidate['removeEventListener'] === 'function'
  );
}

export interface LoadWebUsbOptions {
  platform: NodeJS.Platform;
  arch: string;
  /** Linux: is there a USB subsystem at all? Checked before the native module is touched. */
  hasUsbSubsystem?: () => boolean;
}

/**
 * Loads the `usb` package lazily, so that a missing or broken native binary is a typed 'usb-unavailable'
 * and not a crash at startup (the CLI, the simulator and the renderer all run without it). Uses the
 * package's `usb` instance: the unrestricted WebUSB object (`allowAllDevices`), not `webusb`, which
 * would need a requestDevice() per device.
 *
 * On Linux without /sys/bus/usb this refuses before loading: node-usb's addEventListener() starts an
 * unawaited getDevices() whose rejection there would surface as an unhandled rejection.
 */
export async function loadNodeWebUsb(options: LoadWebUsbOptions): Promise<WebUsbLike> {
  const hasUsb = options.hasUsbSubsystem ?? (() => existsSync(LINUX_USB_SYSFS));
  if (options.platform === 'linux' && !hasUsb()) throw noUsbSubsystemError(LINUX_USB_SYSFS);
  let module: unknown;
  try {
    module = await import('usb');
  } catch (error) {
    throw usbUnavailableFromLoad(error, options.platform, options.arch);
  }
  const namespace = module as { usb?: unknown; default?: { usb?: unknown } };
  const candidate = namespace.usb ?? namespace.default?.usb;
  if (!isWebUsbLike(candidate)) {
    throw usbUnavailableFromLoad(
      new Error('the package does not export a WebUSB `usb` object (expected usb@3)'),
      options.platform,
      options.arch,
    );
  }
  return candidate;
}
