import type { UsbAccessFacts, VmFacts } from '../../shared/domain/host-facts.js';
import { DEFAULT_UDEV_RULE_PATH, noDriverHint, udevInstallCommand } from '../usb/usb-hints.js';
import type { HostReaders } from './host-readers.js';

/** Where udev reads rules from, in the order it lets them override each other. */
export const UDEV_RULE_DIRS = [
  '/etc/udev/rules.d',
  '/run/udev/rules.d',
  '/lib/udev/rules.d',
  '/usr/lib/udev/rules.d',
];

export interface StDeviceNode {
  /** sysfs name, which is also the port path ("1-2.3"). */
  portPath: string;
  devNode: string;
  writable: boolean;
}

export interface UsbAccessInput {
  platform: NodeJS.Platform;
  hasSysBusUsb: boolean;
  /** First rules file that mentions both 0483 and df11, or null. */
  udevRuleFile: string | null;
  uid: number | null;
  /** Is this process in the plugdev group? null when unknown (no such group, or not POSIX). */
  inPlugdev: boolean | null;
  /** ST DFU boards plugged in now, and whether this user can open them. */
  stDevices: StDeviceNode[];
}

/** "VirtualBox guest", "virtual machine", or null on bare metal. */
function guestName(vm: VmFacts | null): string | null {
  if (!vm?.detected) return null;
  const names: Record<string, string> = {
    virtualbox: 'VirtualBox',
    vmware: 'VMware',
    'hyper-v': 'Hyper-V',
    wsl: 'WSL',
    parallels: 'Parallels',
    'qemu-kvm': 'QEMU/KVM',
  };
  const name = vm.kind ? names[vm.kind] : undefined;
  return name ? `${name} guest` : 'virtual machine';
}

/** Turns what was read into a state, one sentence of detail and the one step that fixes it. */
export function classifyUsbAccess(
  input: UsbAccessInput,
  vm: VmFacts | null,
  rulePath = DEFAULT_UDEV_RULE_PATH,
): UsbAccessFacts {
  const evidence: string[] = [];
  if (input.platform === 'win32') {
    return {
      state: 'unknown',
      detail:
        'Windows: every boot stage of the board needs the WinUSB driver bound to 0483:df11; the probe cannot see driver bindings, the first open will tell.',
      fix: noDriverHint(),
      evidence,
    };
  }
  if (input.platform === 'darwin') {
    return {
      state: 'ok',
      detail: 'macOS needs no driver or permission for USB DFU devices.',
      fix: null,
      evidence,
    };
  }
  if (input.platform !== 'linux') {
    return {
      state: 'unknown',
      detail: `USB access is not probed on ${input.platform}.`,
      fix: null,
      evidence,
    };
  }

  evidence.push(`/sys/bus/usb: ${input.hasSysBusUsb ? 'present' : 'missing'}`);
  if (!input.hasSysBusUsb) {
    const guest = guestName(vm);
    const fix =
      vm?.kind === 'wsl'
        ? 'In Windows: usbipd attach --wsl --auto-attach --hardware-id 0483:df11 (after usbipd policy add --effect Allow --operation AutoBind --hardware-id 0483:df11 as administrator).'
        : guest
          ? `Give the ${guest} a USB 2.0/3.0 controller and a pass-through rule for 0483:df11 (see the VM advice).`
          : 'Run the tool on the machine the board is plugged into.';
    return {
      state: 'no-usb-subsystem',
      detail: `/sys/bus/usb does not exist: this ${guest ?? 'system'} exposes no USB bus to programs.`,
      fix,
      evidence,
    };
  }

  evidence.push(`uid: ${input.uid ?? 'unknown'}`);
  if (input.udevRuleFile) evidence.push(`udev rule: ${input.udevRuleFile}`);
  for (const d of input.stDevices)
    evidence.push(`${d.devNode} (port ${d.portPath}): ${d.writable ? 'writable' : 'not writable'}`);
  if (input.uid === 0) {
    return {
      state: 'ok',
      detail: 'Running as root: USB device nodes are open to this process without a udev rule.',
      fix: null,
      evidence,
    };
  }

  const fix = udevInstallCommand(rulePath);
  const blocked = input.stDevices.filter((d) => !d.writable);
  if (blocked.length > 0) {
    const ports = blocked.map((d) => d.portPath).join(', ');
    return {
      state: 'permission-denied',
      detail: input.udevRuleFile
        ? `This user cannot open the board on port ${ports} although ${input.udevRuleFile} exists: replug the board, and check the plugdev group or the desktop session.`
        : `This user cannot open the board on port ${ports}: no udev rule grants access to 0483:df11.`,
      fix: input.udevRuleFile
        ? 'sudo usermod -aG plugdev "$USER" (then log out and back in), and replug the board.'
        : fix,
      evidence,
    };
  }
  if (!input.udevRuleFile) {
    return {
      state: 'no-udev-rule',
      detail: 'No udev rule for 0483:df11 was found: boards in DFU mode will be readable by root only.',
      fix,
      evidence,
    };
  }
  const groupNote =
    input.inPlugdev === false
      ? ' This user is not in plugdev, so access relies on the desktop session (uaccess), not SSH.'
      : '';
  return {
    state: 'ok',
    detail: `udev rule ${input.udevRuleFile} grants access to 0483:df11.${groupNote}`,
    fix: null,
    evidence,
  };
}

async function findUdevRule(readers: HostReaders): Promise<string | null> {
  for (const dir of UDEV_RULE_DIRS) {
    const names = (await readers.listDir(dir)) ?? [];
    for (const name of names.filter((n) => n.endsWith('.rules')).sort()) {
      const text = await readers.readText(`${dir}/${name}`);
      if (text && /0483/.test(text) && /df11/i.test(text)) return `${dir}/${name}`;
    }
  }
  return null;
}

async function findStDevices(readers: HostReaders): Promise<StDeviceNode[]> {
  const root = '/sys/bus/usb/devices';
  const names = ((await readers.listDir(root)) ?? []).filter((n) => /^\d+-[\d.]+$/.test(n));
  const found: StDeviceNode[] = [];
  for (const name of names) {
    const [vid, pid, busnum, devnum] = await Promise.all(
      ['idVendor', 'idProduct', 'busnum', 'devnum'].map((a) => readers.readText(`${root}/${name}/${a}`)),
    );
    if (vid?.trim() !== '0483' || !/^(df11|5720)$/i.test(pid?.trim() ?? '')) continue;
    const bus = Number(busnum?.trim());
    const dev = Number(devnum?.trim());
    if (!Number.isInteger(bus) || !Number.isInteger(dev)) continue;
    const devNode = `/dev/bus/usb/${String(bus).padStart(3, '0')}/${String(dev).padStart(3, '0')}`;
    found.push({ portPath: name, devNode, writable: await readers.canWrite(devNode) });
  }
  return found;
}

async function isInPlugdev(readers: HostReaders): Promise<boolean | null> {
  const groups = readers.groups();
  const text = await readers.readText('/etc/group');
  if (!groups || !text) return null;
  const line = text.split('\n').find((l) => l.startsWith('plugdev:'));
  const gid = line ? Number(line.split(':')[2]) : NaN;
  return Number.isInteger(gid) ? groups.includes(gid) : null;
}

export async function gatherUsbAccessInput(readers: HostReaders): Promise<UsbAccessInput> {
  const input: UsbAccessInput = {
    platform: readers.platform,
    hasSysBusUsb: false,
    udevRuleFile: null,
    uid: readers.uid(),
    inPlugdev: null,
    stDevices: [],
  };
  if (readers.platform !== 'linux') return input;
  input.hasSysBusUsb = await readers.exists('/sys/bus/usb');
  if (!input.hasSysBusUsb) return input;
  [input.udevRuleFile, input.stDevices, input.inPlugdev] = await Promise.all([
    findUdevRule(readers),
    findStDevices(readers),
    isInPlugdev(readers),
  ]);
  return input;
}
