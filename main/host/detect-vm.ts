import type { VmFacts, VmKind } from '../../shared/domain/host-facts.js';
import type { HostReaders } from './host-readers.js';

/** What the VM probe read; every field is null when it could not be read. */
export interface VmProbeInput {
  platform: NodeJS.Platform;
  /** Linux /sys/class/dmi/id/{sys_vendor,product_name,board_vendor}. */
  dmi: { sysVendor: string | null; productName: string | null; boardVendor: string | null };
  cpuinfo: string | null;
  procVersion: string | null;
  /** /proc/sys/kernel/osrelease. */
  kernelOsRelease: string | null;
  /** `systemd-detect-virt --vm` output ("oracle", "none", …). */
  systemdDetectVirt: string | null;
  /** Windows Win32_ComputerSystem manufacturer and model. */
  windowsSystem: { manufacturer: string | null; model: string | null } | null;
  /** macOS `sysctl -n hw.model` and `sysctl -n kern.hv_vmm_present`. */
  macModel: string | null;
  macHypervisorPresent: string | null;
}

/** systemd-detect-virt's names (src/basic/virt.c) for the hypervisors we can advise on. */
const SYSTEMD_KINDS: Record<string, VmKind> = {
  oracle: 'virtualbox',
  vmware: 'vmware',
  microsoft: 'hyper-v',
  wsl: 'wsl',
  parallels: 'parallels',
  kvm: 'qemu-kvm',
  qemu: 'qemu-kvm',
};

/** DMI / SMBIOS vendor and product strings each hypervisor writes. */
const VENDOR_PATTERNS: [RegExp, VmKind][] = [
  [/innotek|virtualbox|oracle corporation/i, 'virtualbox'],
  [/vmware/i, 'vmware'],
  [/parallels/i, 'parallels'],
  [/qemu|\bkvm\b|bochs|red hat/i, 'qemu-kvm'],
  [/xen|amazon ec2|google compute engine|bhyve/i, 'other'],
];

function kindFromStrings(strings: (string | null)[]): VmKind | null {
  const text = strings.filter((s): s is string => s !== null).join(' | ');
  if (text === '') return null;
  // Hyper-V guests say "Microsoft Corporation" / "Virtual Machine"; Surface laptops say Microsoft too.
  if (/microsoft corporation/i.test(text) && /virtual machine/i.test(text)) return 'hyper-v';
  for (const [pattern, kind] of VENDOR_PATTERNS) if (pattern.test(text)) return kind;
  return null;
}

/** Decides from what was read. Precedence: WSL marker, systemd-detect-virt, DMI/SMBIOS, CPU flag. */
export function classifyVm(input: VmProbeInput): VmFacts {
  const evidence: string[] = [];
  let kind: VmKind | null = null;
  let detected = false;
  const settle = (found: VmKind, why: string): void => {
    evidence.push(why);
    detected = true;
    kind ??= found;
  };

  for (const [label, text] of [
    ['/proc/sys/kernel/osrelease', input.kernelOsRelease],
    ['/proc/version', input.procVersion],
  ] as const) {
    if (text && /microsoft|wsl/i.test(text)) settle('wsl', `${label}: ${text.trim()}`);
  }

  const virt = input.systemdDetectVirt?.trim();
  if (virt && virt !== 'none') settle(SYSTEMD_KINDS[virt] ?? 'other', `systemd-detect-virt --vm: ${virt}`);

  const dmi = [input.dmi.sysVendor, input.dmi.productName, input.dmi.boardVendor].map(
    (s) => s?.trim() ?? null,
  );
  const dmiKind = kindFromStrings(dmi);
  if (dmiKind) settle(dmiKind, `DMI: ${dmi.filter((s) => s).join(' / ')}`);

  if (input.windowsSystem) {
    const w = [input.windowsSystem.manufacturer, input.windowsSystem.model].map((s) => s?.trim() ?? null);
    const winKind = kindFromStrings(w);
    if (winKind) settle(winKind, `Win32_ComputerSystem: ${w.filter((s) => s).join(' / ')}`);
  }

  const macModel = input.macModel?.trim();
  if (macModel) {
    const macKind = /virtualmac/i.test(macModel) ? 'other' : kindFromStrings([macModel]);
    if (macKind) settle(macKind, `hw.model: ${macModel}`);
  }
  if (input.macHypervisorPresent?.trim() === '1') settle('other', 'kern.hv_vmm_present: 1');

  if (input.cpuinfo && /^flags\s*:.*\bhypervisor\b/m.test(input.cpuinfo)) {
    settle('other', '/proc/cpuinfo: hypervisor flag');
  }
  return { detected, kind: detected ? kind : null, evidence };
}

/**
 * Reads what classifyVm() needs. Linux: DMI, /proc and systemd-detect-virt (optional). Windows: one
 * PowerShell CIM query (best effort; slow to start, hence the timeout). macOS: two sysctls.
 */
export async function gatherVmInput(readers: HostReaders, commandTimeoutMs: number): Promise<VmProbeInput> {
  const input: VmProbeInput = {
    platform: readers.platform,
    dmi: { sysVendor: null, productName: null, boardVendor: null },
    cpuinfo: null,
    procVersion: null,
    kernelOsRelease: null,
    systemdDetectVirt: null,
    windowsSystem: null,
    macModel: null,
    macHypervisorPresent: null,
  };
  if (readers.platform === 'linux') {
    const dmi = '/sys/class/dmi/id';
    const [sysVendor, productName, boardVendor, cpuinfo, procVersion, kernelOsRelease, virt] =
      await Promise.all([
        readers.readText(`${dmi}/sys_vendor`),
        readers.readText(`${dmi}/product_name`),
        readers.readText(`${dmi}/board_vendor`),
        readers.readText('/proc/cpuinfo'),
        readers.readText('/proc/version'),
        readers.readText('/proc/sys/kernel/osrelease'),
        readers.run('systemd-detect-virt', ['--vm'], commandTimeoutMs),
      ]);
    Object.assign(input, {
      dmi: { sysVendor, productName, boardVendor },
      cpuinfo,
      procVersion,
      kernelOsRelease,
    });
    // It exits 1 and prints "none" on bare metal; any output is an answer.
    input.systemdDetectVirt = virt?.stdout.trim() || null;
  } else if (readers.platform === 'win32') {
    const query = 'Get-CimInstance Win32_ComputerSystem | ForEach-Object { $_.Manufacturer; $_.Model }';
    const result = await readers.run(
      'powershell.exe',
      ['-NoProfile', '-NonInteractive', '-Command', query],
      commandTimeoutMs,
    );
    if (result && result.exitCode === 0) {
      const [manufacturer, model] = result.stdout.split(/\r?\n/).map((l) => l.trim());
      input.windowsSystem = { manufacturer: manufacturer || null, model: model || null };
    }
  } else if (readers.platform === 'darwin') {
    const [model, hv] = await Promise.all([
      readers.run('sysctl', ['-n', 'hw.model'], commandTimeoutMs),
      readers.run('sysctl', ['-n', 'kern.hv_vmm_present'], commandTimeoutMs),
    ]);
    input.macModel = model?.exitCode === 0 ? model.stdout.trim() : null;
    input.macHypervisorPresent = hv?.exitCode === 0 ? hv.stdout.trim() : null;
  }
  return input;
}
