import { AppError } from '../core/app-error.js';
import {
  busyHint,
  nativePackageName,
  noDriverHint,
  noUsbSubsystemHint,
  permissionHint,
  resetUnsupportedHint,
} from './usb-hints.js';

/**
 * node-usb v3 reports every failure as an Error whose message is "<method> error: <nusb text>", where
 * the nusb text ends with the OS code: "(errno 13)" on Linux, "(error 5)" on Windows (WIN32_ERROR),
 * "(error 0xe00002c5)" on macOS (IOReturn). Transfer errors are words: "endpoint stalled",
 * "device disconnected", "transfer was cancelled" (also what a native timeout looks like). The patterns
 * below read those texts and also the libusb/WebUSB spellings, so an injected implementation maps alike.
 */

export type UsbOperation =
  | 'list'
  | 'open'
  | 'select-configuration'
  | 'claim-interface'
  | 'select-alternate'
  | 'control-in'
  | 'control-out'
  | 'reset'
  | 'close'
  | 'read-descriptor';

export interface UsbErrorContext {
  operation: UsbOperation;
  platform: NodeJS.Platform;
  connectionId?: string;
  portPath?: string;
  /** Set when the call carried a native timeout, so that "cancelled" means "timed out". */
  nativeTimeoutMs?: number;
  udevRulePath?: string;
}

const STALL = /stall|\bEPIPE\b|errno 32\b|0xe000404f/i;
const UNSUPPORTED =
  /reset not supported|set_configuration not supported|not supported by winusb|not implemented/i;
const GONE =
  /device disconnected|no such device|\bENODEV\b|errno 19\b|device not found|not connected|0xe00002c0|0xe00002ed|error 1167\b|error 433\b|\bdisconnected\b/i;
const GONE_ON_OPEN = /no such file or directory|\(os error 2\)|errno 2\b/i;
const NO_DRIVER =
  /incompatible driver|not winusb|no driver|could not determine driver|deviceinterfaceguid|failed to find device path|not_supported|error 50\b/i;
const BUSY =
  /resource busy|device is busy|interface is busy|already claimed|\bEBUSY\b|errno 16\b|exclusive access|0xe00002c5|error 170\b/i;
const PERMISSION =
  /permission denied|access denied|access is denied|\bEACCES\b|errno 13\b|\bEPERM\b|errno 1\b|operation not permitted|not privileged|0xe00002c1|error 5\b/i;
const TIMEOUT = /timed out|\bETIMEDOUT\b|errno 110\b|error 121\b/i;
const CANCELLED = /transfer was cancelled|cancelled|canceled/i;

const OPERATION_LABEL: Record<UsbOperation, string> = {
  list: 'listing USB devices',
  open: 'opening the device',
  'select-configuration': 'SET_CONFIGURATION',
  'claim-interface': 'claiming the interface',
  'select-alternate': 'SET_INTERFACE',
  'control-in': 'a control-IN transfer',
  'control-out': 'a control-OUT transfer',
  reset: 'the USB port reset',
  close: 'closing the device',
  'read-descriptor': 'reading a descriptor',
};

export function osText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return String(error);
}

/** A STALL in node-usb v3 arrives as an exception ("endpoint stalled"); DFU code wants it as a result. */
export function isStallError(error: unknown): boolean {
  return STALL.test(osText(error));
}

/**
 * SET_INTERFACE refused by the device. Linux usbfs gives EPIPE (errno 32), macOS kIOUSBPipeStalled;
 * WinUSB reports a stalled control request as ERROR_GEN_FAILURE (31), which is only read that way here.
 */
export function isAlternateRefused(error: unknown, platform: NodeJS.Platform): boolean {
  const text = osText(error);
  return STALL.test(text) || (platform === 'win32' && /error 31\b/.test(text));
}

function baseFields(error: unknown, ctx: UsbErrorContext): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    operation: ctx.operation,
    osMessage: osText(error),
    platform: ctx.platform,
  };
  if (ctx.connectionId !== undefined) fields['connectionId'] = ctx.connectionId;
  if (ctx.portPath !== undefined) fields['portPath'] = ctx.portPath;
  if (error instanceof Error && 'code' in error) fields['errorCode'] = (error as { code: unknown }).code;
  return fields;
}

/** Turns whatever the USB library threw into the AppError contract of main/transport/usb-transport.ts. */
export function mapUsbError(error: unknown, ctx: UsbErrorContext): AppError {
  if (error instanceof AppError) return error;
  const text = osText(error);
  const fields = baseFields(error, ctx);
  const label = OPERATION_LABEL[ctx.operation];
  const where = ctx.portPath ? ` on port ${ctx.portPath}` : '';
  const cause = { cause: error };

  if (UNSUPPORTED.test(text)) {
    return new AppError(
      'usb-unsupported',
      `${label} is not supported here (${ctx.platform}): ${text}.`,
      fields,
      ctx.operation === 'reset' ? resetUnsupportedHint(ctx.platform) : null,
      cause,
    );
  }
  if (GONE.test(text) || (ctx.operation === 'open' && GONE_ON_OPEN.test(text))) {
    return new AppError(
      'device-gone',
      `The board left the USB bus${where} during ${label}.`,
      fields,
      null,
      cause,
    );
  }
  if (NO_DRIVER.test(text) || (ctx.platform === 'win32' && /not supported|unsupported/i.test(text))) {
    return new AppError(
      'usb-no-driver',
      `No usable driver is bound to the USB device${where}: ${text}.`,
      fields,
      noDriverHint(),
      cause,
    );
  }
  if (BUSY.test(text) || (ctx.platform === 'win32' && PERMISSION.test(text))) {
    // Windows has no per-user USB permissions: "access denied" there means another program has it open.
    return new AppError(
      'usb-busy',
      `The USB device${where} is held by another program or driver: ${text}.`,
      fields,
      busyHint(ctx.platform),
      cause,
    );
  }
  if (PERMISSION.test(text)) {
    return new AppError(
      'usb-permission-denied',
      `This user may not open the USB device${where}: ${text}.`,
      fields,
      permissionHint(ctx.platform, ctx.udevRulePath),
      cause,
    );
  }
  if (TIMEOUT.test(text) || (ctx.nativeTimeoutMs !== undefined && CANCELLED.test(text))) {
    const after = ctx.nativeTimeoutMs !== undefined ? ` after ${ctx.nativeTimeoutMs} ms` : '';
    return new AppError(
      'timeout',
      `${label}${where} timed out${after}: ${text}.`,
      { ...fields, timeoutMs: ctx.nativeTimeoutMs ?? null },
      null,
      cause,
    );
  }
  if (/unsupported|not supported/i.test(text)) {
    return new AppError('usb-unsupported', `${label} is not supported here: ${text}.`, fields, null, cause);
  }
  return new AppError('transfer-failed', `${label}${where} failed: ${text}.`, fields, null, cause);
}

/** getDevices() failed: the library is there but the OS gives it no USB to look at. */
export function usbUnavailableFromList(error: unknown, platform: NodeJS.Platform): AppError {
  const text = osText(error);
  const fields: Record<string, unknown> = { operation: 'list', osMessage: text, platform };
  if (error instanceof Error && 'code' in error) fields['errorCode'] = (error as { code: unknown }).code;
  if (platform === 'linux' && /\/sys\/bus\/usb/.test(text) && /not found|errno 2\b/.test(text)) {
    return noUsbSubsystemError('/sys/bus/usb/devices', fields, error);
  }
  const hint = PERMISSION.test(text)
    ? permissionHint(platform)
    : 'Check that the machine has a USB controller the OS can see, then restart the app. Simulated boards (--sim mp15) work without USB.';
  return new AppError(
    'usb-unavailable',
    `USB devices cannot be listed on this machine: ${text}.`,
    fields,
    hint,
    {
      cause: error,
    },
  );
}

export function noUsbSubsystemError(
  path: string,
  fields: Record<string, unknown> = {},
  cause?: unknown,
): AppError {
  return new AppError(
    'usb-unavailable',
    `USB is not available on this machine: ${path} does not exist, so the kernel exposes no USB bus.`,
    { path, ...fields },
    noUsbSubsystemHint(),
    cause === undefined ? undefined : { cause },
  );
}

/** The `usb` package (or its native binary) did not load: a packaging problem, not a board problem. */
export function usbUnavailableFromLoad(error: unknown, platform: NodeJS.Platform, arch: string): AppError {
  const text = osText(error);
  const pkg = nativePackageName(platform, arch);
  return new AppError(
    'usb-unavailable',
    `The USB library (npm package "usb") could not be loaded on ${platform}-${arch}: ${text}`,
    { operation: 'load', osMessage: text, platform, arch, nativePackage: pkg },
    `Its native part ships in the optional package ${pkg}: reinstall the application (or run npm ci without --omit=optional) on a supported platform. Simulated boards (--sim mp15) work meanwhile.`,
    { cause: error },
  );
}
