import type { HostFacts, VmKind } from '../../shared/domain/host-facts.js';
import { resolveFaults, type ScenarioInput } from './fault-scenarios.js';

const VM_EVIDENCE: Record<VmKind, string[]> = {
  virtualbox: ['/sys/class/dmi/id/sys_vendor: innotek GmbH', '/sys/class/dmi/id/product_name: VirtualBox'],
  vmware: [
    '/sys/class/dmi/id/sys_vendor: VMware, Inc.',
    '/sys/class/dmi/id/product_name: VMware Virtual Platform',
  ],
  'hyper-v': [
    '/sys/class/dmi/id/sys_vendor: Microsoft Corporation',
    '/sys/class/dmi/id/product_name: Virtual Machine',
  ],
  wsl: ['/proc/version: Linux version 5.15.153.1-microsoft-standard-WSL2'],
  parallels: ['/sys/class/dmi/id/sys_vendor: Parallels Software International Inc.'],
  'qemu-kvm': [
    '/sys/class/dmi/id/sys_vendor: QEMU',
    '/sys/class/dmi/id/product_name: Standard PC (Q35 + ICH9, 2009)',
  ],
  other: ['/proc/cpuinfo: flags include hypervisor'],
};

/**
 * The host a simulated flash pretends to run on. Scenario vm-filter makes it a VM (with the evidence a
 * probe would find); permission-denied makes USB access incomplete.
 */
export function simulatedHostFacts(scenario?: ScenarioInput | readonly ScenarioInput[]): HostFacts {
  const plan = resolveFaults(scenario);
  const vm = plan.vmFilter;
  return {
    os: 'linux',
    osRelease: 'Debian GNU/Linux 12 (bookworm)',
    kernel: '6.1.0-simulated',
    arch: 'x64',
    hostname: 'sim-station',
    vm: { detected: vm !== null, kind: vm, evidence: vm ? VM_EVIDENCE[vm] : [] },
    usbAccess: plan.permissionDenied
      ? {
          state: 'no-udev-rule',
          detail: 'No udev rule grants access to 0483:df11; some enumerations cannot be opened.',
          fix: 'Install resources/udev/49-stm32mp-dfu.rules and run `udevadm control --reload`',
        }
      : { state: 'ok', detail: 'Simulated USB bus.', fix: null },
    versions: { node: process.versions.node, electron: null, usb: null, app: 'simulated' },
  };
}
