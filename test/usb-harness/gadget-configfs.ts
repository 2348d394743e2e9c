import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

/**
 * One configfs USB gadget with one FunctionFS function, bound to the dummy UDC (Documentation/usb/
 * gadget_configfs.rst). The device-level identity lives here (VID/PID/bcdDevice, manufacturer,
 * product, serial, configuration attributes); the function's descriptors are written to ep0 by
 * ffs-ep0.ts. Identity attributes can only change while the gadget is unbound.
 */
export interface GadgetIdentity {
  vid: number;
  pid: number;
  bcdDevice: number;
  manufacturer: string | null;
  product: string | null;
  serial: string | null;
  /** configfs `configuration` string (global index 4), or null. */
  configuration: string | null;
  /** bMaxPower in 2 mA units, as in the configuration descriptor. */
  maxPowerUnits: number;
  attributes: number;
}

const CONFIGFS = '/sys/kernel/config/usb_gadget';

export class ConfigfsGadget {
  readonly dir: string;
  readonly ffsMount: string;
  private readonly functionDir: string;
  private readonly configDir: string;

  constructor(
    readonly name: string,
    readonly udc: string,
  ) {
    this.dir = path.join(CONFIGFS, name);
    this.functionDir = path.join(this.dir, 'functions', `ffs.${name}`);
    this.configDir = path.join(this.dir, 'configs', 'c.1');
    this.ffsMount = path.join('/run/usb-harness/ffs', name);
  }

  /** Creates the gadget and mounts its FunctionFS instance; reuses what a previous run left. */
  create(): void {
    mkdirSync(path.join(this.dir, 'strings', '0x409'), { recursive: true });
    mkdirSync(path.join(this.configDir, 'strings', '0x409'), { recursive: true });
    if (!existsSync(this.functionDir)) mkdirSync(this.functionDir);
    const link = path.join(this.configDir, `ffs.${this.name}`);
    if (!existsSync(link)) symlinkSync(this.functionDir, link);
    mkdirSync(this.ffsMount, { recursive: true });
    if (!this.isMounted()) execFileSync('mount', ['-t', 'functionfs', this.name, this.ffsMount]);
  }

  private isMounted(): boolean {
    return readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .some((line) => line.split(' ')[1] === this.ffsMount);
  }

  get ep0Path(): string {
    return path.join(this.ffsMount, 'ep0');
  }

  isBound(): boolean {
    return readFileSync(path.join(this.dir, 'UDC'), 'utf8').trim() !== '';
  }

  setIdentity(id: GadgetIdentity): void {
    const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;
    this.write('idVendor', hex4(id.vid));
    this.write('idProduct', hex4(id.pid));
    this.write('bcdDevice', hex4(id.bcdDevice));
    this.write('bcdUSB', '0x0200');
    this.write('strings/0x409/manufacturer', id.manufacturer ?? '');
    this.write('strings/0x409/product', id.product ?? '');
    this.write('strings/0x409/serialnumber', id.serial ?? '');
    this.write('configs/c.1/strings/0x409/configuration', id.configuration ?? '');
    // configfs takes mA and halves it for a high-speed bMaxPower.
    this.write('configs/c.1/MaxPower', String(id.maxPowerUnits * 2));
    this.write('configs/c.1/bmAttributes', `0x${id.attributes.toString(16)}`);
  }

  bind(): void {
    this.write('UDC', this.udc);
  }

  /** Soft-disconnect: the host sees the device leave. Safe when already unbound. */
  unbind(): void {
    if (this.isBound()) this.write('UDC', '');
  }

  /** Unbinds, unmounts and removes the gadget, so the next run starts clean. */
  destroy(): void {
    try {
      this.unbind();
    } catch {
      // Already gone.
    }
    if (this.isMounted()) execFileSync('umount', [this.ffsMount]);
    const tryRm = (fn: () => void): void => {
      try {
        fn();
      } catch {
        // Best effort: a half-built gadget from a crash is cleaned as far as configfs allows.
      }
    };
    tryRm(() => unlinkSync(path.join(this.configDir, `ffs.${this.name}`)));
    tryRm(() => rmdirSync(path.join(this.configDir, 'strings', '0x409')));
    tryRm(() => rmdirSync(this.configDir));
    tryRm(() => rmdirSync(this.functionDir));
    tryRm(() => rmdirSync(path.join(this.dir, 'strings', '0x409')));
    tryRm(() => rmdirSync(this.dir));
  }

  private write(attribute: string, value: string): void {
    writeFileSync(path.join(this.dir, attribute), `${value}\n`);
  }
}

/**
 * The host-side view of the gadget in the same guest: the usbcore device whose descriptors match.
 * FunctionFS tells the function that an alternate was selected (ENABLE) but not which one; the host
 * side's bAlternateSetting has it by the time the next class request arrives, because the host's
 * usb_set_interface() returned before that request was sent.
 */
export function findHostDevice(match: { vid: number; pid: number; serial: string | null }): string | null {
  const root = '/sys/bus/usb/devices';
  for (const name of readdirSync(root)) {
    if (!/^\d+-[\d.]+$/.test(name)) continue;
    const dir = path.join(root, name);
    const read = (f: string): string | null => {
      try {
        return readFileSync(path.join(dir, f), 'utf8').trim();
      } catch {
        return null;
      }
    };
    if (parseInt(read('idVendor') ?? '', 16) !== match.vid) continue;
    if (parseInt(read('idProduct') ?? '', 16) !== match.pid) continue;
    if ((read('serial') ?? null) !== match.serial && match.serial !== null) continue;
    return dir;
  }
  return null;
}

export function hostAlternateSetting(deviceDir: string, interfaceNumber = 0): number | null {
  const name = path.basename(deviceDir);
  try {
    const text = readFileSync(
      path.join(deviceDir, `${name}:1.${interfaceNumber}`, 'bAlternateSetting'),
      'utf8',
    );
    const alt = parseInt(text.trim(), 10);
    return Number.isInteger(alt) ? alt : null;
  } catch {
    return null;
  }
}
