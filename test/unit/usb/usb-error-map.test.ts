import { describe, expect, it } from 'vitest';
import { AppError } from '../../../main/core/app-error.js';
import {
  isAlternateRefused,
  isStallError,
  mapUsbError,
  usbUnavailableFromList,
  type UsbOperation,
} from '../../../main/usb/usb-error-map.js';
import { udevInstallCommand } from '../../../main/usb/usb-hints.js';

type Case = [NodeJS.Platform, UsbOperation, string, string];

// Texts as node-usb v3 (nusb 0.2) prints them on each OS, plus libusb/WebUSB spellings.
const CASES: Case[] = [
  ['linux', 'control-in', 'controlTransferIn error: device disconnected', 'device-gone'],
  ['linux', 'open', 'open error: device not found (errno 2)', 'device-gone'],
  ['linux', 'claim-interface', 'claimInterface error: failed to claim interface (errno 19)', 'device-gone'],
  ['linux', 'open', 'LIBUSB_ERROR_NO_DEVICE: No such device (it may have been disconnected)', 'device-gone'],
  ['darwin', 'open', 'open error: failed to open device (error 0xe00002c0)', 'device-gone'],
  ['win32', 'control-out', 'controlTransferOut error: failed (error 1167)', 'device-gone'],
  ['linux', 'open', 'open error: failed to open device (errno 13)', 'usb-permission-denied'],
  ['linux', 'open', 'LIBUSB_ERROR_ACCESS: Access denied (insufficient permissions)', 'usb-permission-denied'],
  ['linux', 'claim-interface', 'claimInterface error: interface is busy (errno 16)', 'usb-busy'],
  ['linux', 'claim-interface', 'LIBUSB_ERROR_BUSY: Resource busy', 'usb-busy'],
  [
    'darwin',
    'claim-interface',
    'claimInterface error: failed to claim interface (error 0xe00002c5)',
    'usb-busy',
  ],
  ['win32', 'open', 'open error: failed to open device (error 5)', 'usb-busy'],
  [
    'win32',
    'claim-interface',
    'claimInterface error: incompatible driver is installed for this device',
    'usb-no-driver',
  ],
  [
    'win32',
    'open',
    'LIBUSB_ERROR_NOT_SUPPORTED: Operation not supported or unimplemented on this platform',
    'usb-no-driver',
  ],
  ['win32', 'reset', 'reset error: reset not supported by WinUSB', 'usb-unsupported'],
  ['linux', 'control-out', 'controlTransferOut error: transfer was cancelled', 'transfer-failed'],
  ['linux', 'control-in', 'LIBUSB_ERROR_TIMEOUT: Operation timed out', 'timeout'],
  ['linux', 'control-in', 'controlTransferIn error: hardware fault or protocol violation', 'transfer-failed'],
  ['linux', 'control-in', 'controlTransferIn error: invalid state', 'transfer-failed'],
];

describe('mapUsbError', () => {
  it.each(CASES)('%s %s "%s" → %s', (platform, operation, text, code) => {
    const error = mapUsbError(new Error(text), { operation, platform, portPath: '1-2' });
    expect(error.code).toBe(code);
    expect(error.fields['osMessage']).toBe(text);
    expect(error.fields['operation']).toBe(operation);
  });

  it('reads "cancelled" as a timeout only when the call carried an OS timeout', () => {
    const error = mapUsbError(new Error('controlTransferOut error: transfer was cancelled'), {
      operation: 'control-out',
      platform: 'linux',
      nativeTimeoutMs: 500,
    });
    expect([error.code, error.fields['timeoutMs']]).toEqual(['timeout', 500]);
  });

  it('tells a Linux user the exact command that installs the udev rule, and the plugdev group', () => {
    const error = mapUsbError(new Error('open error: failed to open device (errno 13)'), {
      operation: 'open',
      platform: 'linux',
      udevRulePath: '/opt/flash/resources/udev/50-stm32mp-dfu.rules',
    });
    expect(error.hint).toContain(udevInstallCommand('/opt/flash/resources/udev/50-stm32mp-dfu.rules'));
    expect(error.hint).toContain('plugdev');
  });

  it('tells a Windows user to bind WinUSB with Zadig', () => {
    const error = mapUsbError(
      new Error('claimInterface error: incompatible driver is installed for this device'),
      {
        operation: 'claim-interface',
        platform: 'win32',
      },
    );
    expect(error.hint).toMatch(/Zadig.*WinUSB/);
    expect(error.hint).toContain('0483:df11');
  });

  it('leaves an AppError untouched and keeps the original as the cause otherwise', () => {
    const original = new AppError('timeout', 'x');
    expect(mapUsbError(original, { operation: 'open', platform: 'linux' })).toBe(original);
    const raw = Object.assign(new Error('claimInterface error: interface is busy (errno 16)'), {
      code: 'GenericFailure',
    });
    const mapped = mapUsbError(raw, { operation: 'claim-interface', platform: 'linux' });
    expect(mapped.cause).toBe(raw);
    expect(mapped.fields['errorCode']).toBe('GenericFailure');
  });
});

describe('STALL detection', () => {
  it('recognises the STALL spellings of nusb, libusb and usbfs', () => {
    expect(isStallError(new Error('controlTransferIn error: endpoint stalled'))).toBe(true);
    expect(isStallError(new Error('controlTransferIn error: endpoint STALL condition'))).toBe(true);
    expect(isStallError(new Error('LIBUSB_ERROR_PIPE'))).toBe(false);
    expect(isStallError(new Error('controlTransferIn error: device disconnected'))).toBe(false);
  });

  it('reads ERROR_GEN_FAILURE as a refused alternate on Windows only', () => {
    const text = new Error('selectAlternateInterface error: failed to set alternate setting (error 31)');
    expect(isAlternateRefused(text, 'win32')).toBe(true);
    expect(isAlternateRefused(text, 'linux')).toBe(false);
    expect(isAlternateRefused(new Error('… (errno 32)'), 'linux')).toBe(true);
  });
});

describe('usbUnavailableFromList', () => {
  it('explains a missing /sys/bus/usb on Linux', () => {
    const error = usbUnavailableFromList(
      new Error('getDevices error: /sys/bus/usb/devices/ not found (errno 2)'),
      'linux',
    );
    expect(error.code).toBe('usb-unavailable');
    expect(error.message).toContain('/sys/bus/usb/devices does not exist');
    expect(error.hint).toContain('container');
  });

  it('gives the udev hint when sysfs is not readable', () => {
    const error = usbUnavailableFromList(
      new Error('getDevices error: /sys/bus/usb/devices/ permission denied (errno 13)'),
      'linux',
    );
    expect(error.hint).toContain('udevadm');
  });
});
