import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { probeHostFacts } from '../../../main/host/probe-host-facts.js';
import { udevInstallCommand } from '../../../main/usb/usb-hints.js';
import { dmi, fakeHostReaders, linuxWithBoard, type FakeHostSpec } from './fake-host-readers.js';

const RULE =
  'SUBSYSTEM=="usb", ATTR{idVendor}=="0483", ATTR{idProduct}=="df11", MODE="0660", GROUP="plugdev"\n';
const VERSIONS = { node: '20.20.2', electron: null, usb: '3.1.0', app: '0.1.0' };

function probe(spec: FakeHostSpec) {
  return probeHostFacts({ readers: fakeHostReaders(spec), versions: VERSIONS });
}

describe('USB access on Linux', () => {
  it('is ok when a rules file mentions 0483 and df11, and names it', async () => {
    const facts = await probe(
      linuxWithBoard({
        files: { '/etc/udev/rules.d/50-stm32mp-dfu.rules': RULE },
        dirs: { '/etc/udev/rules.d': ['49-stlinkv2.rules', '50-stm32mp-dfu.rules'] },
        writable: ['/dev/bus/usb/001/009'],
      }),
    );
    expect(facts.usbAccess.state).toBe('ok');
    expect(facts.usbAccess.detail).toContain('/etc/udev/rules.d/50-stm32mp-dfu.rules');
    expect(facts.usbAccess.evidence).toContain('/dev/bus/usb/001/009 (port 1-2): writable');
  });

  it('finds a rule shipped in /usr/lib/udev/rules.d and ignores one for other ST products', async () => {
    const facts = await probe(
      linuxWithBoard({
        files: {
          '/etc/udev/rules.d/49-stlinkv2.rules': 'ATTRS{idVendor}=="0483", ATTRS{idProduct}=="3748"\n',
          '/usr/lib/udev/rules.d/69-stm32cubeprog.rules': RULE,
        },
        dirs: {
          '/etc/udev/rules.d': ['49-stlinkv2.rules'],
          '/usr/lib/udev/rules.d': ['69-stm32cubeprog.rules'],
        },
        writable: ['/dev/bus/usb/001/009'],
      }),
    );
    expect(facts.usbAccess.detail).toContain('/usr/lib/udev/rules.d/69-stm32cubeprog.rules');
  });

  it('asks for the rule when none exists and no board is plugged in', async () => {
    const facts = await probe({ files: { '/sys/bus/usb': '' }, dirs: { '/sys/bus/usb/devices': [] } });
    expect(facts.usbAccess).toMatchObject({ state: 'no-udev-rule', fix: udevInstallCommand() });
  });

  it('reports permission-denied when a plugged board cannot be opened', async () => {
    const facts = await probe(linuxWithBoard());
    expect(facts.usbAccess.state).toBe('permission-denied');
    expect(facts.usbAccess.detail).toContain('port 1-2');
    expect(facts.usbAccess.fix).toBe(
      'sudo cp resources/udev/50-stm32mp-dfu.rules /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger',
    );
  });

  it('is ok for root without a rule', async () => {
    const facts = await probe(linuxWithBoard({ uid: 0 }));
    expect(facts.usbAccess.state).toBe('ok');
  });

  it('reports a missing /sys/bus/usb, with the WSL fix inside WSL', async () => {
    const bare = await probe({ files: dmi('Dell Inc.', 'Precision 3660') });
    expect(bare.usbAccess).toMatchObject({
      state: 'no-usb-subsystem',
      fix: 'Run the tool on the machine the board is plugged into.',
    });
    const wsl = await probe({
      files: { '/proc/sys/kernel/osrelease': '5.15.153.1-microsoft-standard-WSL2' },
    });
    expect(wsl.vm.kind).toBe('wsl');
    expect(wsl.usbAccess.state).toBe('no-usb-subsystem');
    expect(wsl.usbAccess.detail).toContain('WSL guest');
    expect(wsl.usbAccess.fix).toContain('usbipd attach --wsl --auto-attach --hardware-id 0483:df11');
  });
});

describe('probeHostFacts', () => {
  it('assembles OS, kernel, host name, VM and versions', async () => {
    const facts = await probe(
      linuxWithBoard({
        files: {
          '/etc/os-release': 'NAME="Ubuntu"\nPRETTY_NAME="Ubuntu 24.04.1 LTS"\nID=ubuntu\n',
          ...dmi('innotek GmbH', 'VirtualBox'),
        },
      }),
    );
    expect(facts).toMatchObject({
      os: 'linux',
      osRelease: 'Ubuntu 24.04.1 LTS',
      kernel: '6.8.0-45-generic',
      arch: 'x64',
      hostname: 'bench-7',
      vm: { detected: true, kind: 'virtualbox' },
      versions: VERSIONS,
    });
  });

  it('leaves Windows USB access unknown, with the WinUSB/Zadig step', async () => {
    const facts = await probe({ platform: 'win32' });
    expect(facts.os).toBe('win32');
    expect(facts.usbAccess.state).toBe('unknown');
    expect(facts.usbAccess.fix).toContain('Zadig');
  });

  it('bounds external commands by the timeout it is given', async () => {
    const readers = fakeHostReaders({ platform: 'darwin' });
    const seen: number[] = [];
    const run = readers.run.bind(readers);
    readers.run = (command, args, timeoutMs) => {
      seen.push(timeoutMs);
      return run(command, args, timeoutMs);
    };
    await probeHostFacts({ readers, commandTimeoutMs: 750, versions: VERSIONS });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((t) => t === 750)).toBe(true);
  });
});

const hostFactsSchema = z.object({
  os: z.enum(['linux', 'win32', 'darwin', 'other']),
  osRelease: z.string().min(1),
  kernel: z.string().min(1),
  arch: z.string().min(1),
  hostname: z.string(),
  vm: z.object({
    detected: z.boolean(),
    kind: z.enum(['virtualbox', 'vmware', 'hyper-v', 'wsl', 'parallels', 'qemu-kvm', 'other']).nullable(),
    evidence: z.array(z.string()),
  }),
  usbAccess: z.object({
    state: z.enum(['ok', 'no-usb-subsystem', 'permission-denied', 'no-udev-rule', 'no-driver', 'unknown']),
    detail: z.string().min(1),
    fix: z.string().nullable(),
    evidence: z.array(z.string()).optional(),
  }),
  versions: z.object({
    node: z.string(),
    electron: z.string().nullable(),
    usb: z.string().nullable(),
    app: z.string(),
  }),
});

describe('probeHostFacts on this machine', () => {
  it('returns well-formed facts, with the real package versions', async () => {
    const facts = hostFactsSchema.parse(await probeHostFacts({ commandTimeoutMs: 5_000 }));
    expect(facts.versions).toEqual({
      node: process.versions.node,
      electron: null,
      usb: '3.1.0',
      app: '0.1.0',
    });
    expect(facts.vm.detected).toBe(facts.vm.kind !== null);
    if (process.platform === 'linux' && !existsSync('/sys/bus/usb')) {
      expect(facts.usbAccess.state).toBe('no-usb-subsystem');
    }
  });
});
