import type { CommandResult, HostReaders } from '../../../main/host/host-readers.js';

export interface FakeHostSpec {
  platform?: NodeJS.Platform;
  files?: Record<string, string>;
  dirs?: Record<string, string[]>;
  writable?: string[];
  /** Keyed by "command arg1 arg2"; a missing key means the program is not installed. */
  commands?: Record<string, CommandResult>;
  uid?: number | null;
  groups?: number[] | null;
}

/** A machine described as data: which files exist with what text, which commands answer what. */
export function fakeHostReaders(spec: FakeHostSpec): HostReaders & { ran: string[] } {
  const files = spec.files ?? {};
  const dirs = spec.dirs ?? {};
  const ran: string[] = [];
  return {
    ran,
    platform: spec.platform ?? 'linux',
    arch: 'x64',
    kernelRelease: () => '6.8.0-45-generic',
    kernelVersion: () => '#45-Ubuntu SMP PREEMPT_DYNAMIC',
    hostname: () => 'bench-7',
    readText: (path) => Promise.resolve(files[path] ?? null),
    exists: (path) => Promise.resolve(path in files || path in dirs),
    listDir: (path) => Promise.resolve(dirs[path] ?? null),
    canWrite: (path) => Promise.resolve((spec.writable ?? []).includes(path)),
    run: (command, args) => {
      const key = [command, ...args].join(' ');
      ran.push(key);
      return Promise.resolve(spec.commands?.[key] ?? null);
    },
    uid: () => (spec.uid === undefined ? 1000 : spec.uid),
    groups: () => (spec.groups === undefined ? [1000, 46] : spec.groups),
  };
}

export const DMI = '/sys/class/dmi/id';
export const CPU_FLAGS_VM = 'processor\t: 0\nflags\t\t: fpu vme de pse tsc msr pae hypervisor lahf_lm\n';
export const CPU_FLAGS_METAL = 'processor\t: 0\nflags\t\t: fpu vme de pse tsc msr pae lahf_lm\n';

export function dmi(sysVendor: string, productName: string, boardVendor = sysVendor): Record<string, string> {
  return {
    [`${DMI}/sys_vendor`]: `${sysVendor}\n`,
    [`${DMI}/product_name`]: `${productName}\n`,
    [`${DMI}/board_vendor`]: `${boardVendor}\n`,
  };
}

/** A Linux host with USB, one ST board on port 1-2 (bus 1, device 9). */
export function linuxWithBoard(extra: Partial<FakeHostSpec> = {}): FakeHostSpec {
  return {
    ...extra,
    files: {
      '/sys/bus/usb': '',
      '/sys/bus/usb/devices/1-2/idVendor': '0483\n',
      '/sys/bus/usb/devices/1-2/idProduct': 'df11\n',
      '/sys/bus/usb/devices/1-2/busnum': '1\n',
      '/sys/bus/usb/devices/1-2/devnum': '9\n',
      '/etc/group': 'root:x:0:\nplugdev:x:46:bench\n',
      ...extra.files,
    },
    dirs: { '/sys/bus/usb/devices': ['usb1', '1-0:1.0', '1-2', '1-2:1.0'], ...extra.dirs },
  };
}
