import type { HostFacts } from '../../shared/domain/host-facts.js';
import { classifyVm, gatherVmInput } from './detect-vm.js';
import { createNodeHostReaders, type HostReaders } from './host-readers.js';
import { classifyUsbAccess, gatherUsbAccessInput } from './usb-access.js';
import { readVersions } from './versions.js';

export interface HostProbeOptions {
  /** Where facts come from; default: this machine (node:fs, node:os, node:child_process). */
  readers?: HostReaders;
  /** Bound on each external command (systemd-detect-virt, PowerShell, sysctl). Default 3000 ms. */
  commandTimeoutMs?: number;
  /** Path of the udev rule to put in the fix command. Default resources/udev/50-stm32mp-dfu.rules. */
  udevRulePath?: string;
  /** Known versions (Electron passes app.getVersion()); the rest are read. */
  versions?: Partial<HostFacts['versions']>;
}

function osOf(platform: NodeJS.Platform): HostFacts['os'] {
  return platform === 'linux' || platform === 'win32' || platform === 'darwin' ? platform : 'other';
}

/** "Ubuntu 24.04.1 LTS", "Windows 11 Pro", "macOS 14.5": what a human calls this OS. */
async function osReleaseName(readers: HostReaders, commandTimeoutMs: number): Promise<string> {
  if (readers.platform === 'linux') {
    const text =
      (await readers.readText('/etc/os-release')) ?? (await readers.readText('/usr/lib/os-release'));
    const pretty = text?.match(/^PRETTY_NAME=("?)(.*)\1$/m)?.[2];
    if (pretty) return pretty;
    return 'Linux';
  }
  if (readers.platform === 'darwin') {
    const result = await readers.run('sw_vers', ['-productVersion'], commandTimeoutMs);
    return result?.exitCode === 0 ? `macOS ${result.stdout.trim()}` : 'macOS';
  }
  if (readers.platform === 'win32') return readers.kernelVersion() || 'Windows';
  return readers.platform;
}

/**
 * What this host is: OS, VM, USB access, versions. Never throws and never needs privileges; every
 * external command is bounded by `commandTimeoutMs`. Windows and macOS VM detection is best effort (one
 * CIM query, two sysctls); Windows USB access is 'unknown' because driver binding is per device.
 */
export async function probeHostFacts(options: HostProbeOptions = {}): Promise<HostFacts> {
  const readers = options.readers ?? createNodeHostReaders();
  const commandTimeoutMs = options.commandTimeoutMs ?? 3000;
  const [vmInput, usbInput, osRelease] = await Promise.all([
    gatherVmInput(readers, commandTimeoutMs),
    gatherUsbAccessInput(readers),
    osReleaseName(readers, commandTimeoutMs),
  ]);
  const vm = classifyVm(vmInput);
  return {
    os: osOf(readers.platform),
    osRelease,
    kernel: readers.kernelRelease(),
    arch: readers.arch,
    hostname: readers.hostname(),
    vm,
    usbAccess: classifyUsbAccess(usbInput, vm, options.udevRulePath),
    versions: readVersions(options.versions),
  };
}
