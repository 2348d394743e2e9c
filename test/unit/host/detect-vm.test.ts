import { describe, expect, it } from 'vitest';
import { classifyVm, gatherVmInput } from '../../../main/host/detect-vm.js';
import {
  CPU_FLAGS_METAL,
  CPU_FLAGS_VM,
  dmi,
  fakeHostReaders,
  type FakeHostSpec,
} from './fake-host-readers.js';

async function vmOf(spec: FakeHostSpec) {
  return classifyVm(await gatherVmInput(fakeHostReaders(spec), 1000));
}

describe('VM detection on Linux', () => {
  it('names a VirtualBox guest from DMI, systemd-detect-virt and the CPU flag', async () => {
    const vm = await vmOf({
      files: { ...dmi('innotek GmbH', 'VirtualBox', 'Oracle Corporation'), '/proc/cpuinfo': CPU_FLAGS_VM },
      commands: { 'systemd-detect-virt --vm': { exitCode: 0, stdout: 'oracle\n' } },
    });
    expect(vm).toEqual({
      detected: true,
      kind: 'virtualbox',
      evidence: [
        'systemd-detect-virt --vm: oracle',
        'DMI: innotek GmbH / VirtualBox / Oracle Corporation',
        '/proc/cpuinfo: hypervisor flag',
      ],
    });
  });

  it('names VMware from DMI alone when systemd-detect-virt is not installed', async () => {
    const vm = await vmOf({
      files: { ...dmi('VMware, Inc.', 'VMware Virtual Platform', 'Intel Corporation') },
    });
    expect([vm.detected, vm.kind]).toEqual([true, 'vmware']);
  });

  it('names WSL from the kernel release even though WSL 2 runs on Hyper-V', async () => {
    const vm = await vmOf({
      files: {
        '/proc/sys/kernel/osrelease': '5.15.153.1-microsoft-standard-WSL2\n',
        '/proc/version': 'Linux version 5.15.153.1-microsoft-standard-WSL2 (root@941d701f84f1) ...\n',
        '/proc/cpuinfo': CPU_FLAGS_VM,
      },
      commands: { 'systemd-detect-virt --vm': { exitCode: 0, stdout: 'microsoft\n' } },
    });
    expect([vm.kind, vm.evidence[0]]).toEqual([
      'wsl',
      '/proc/sys/kernel/osrelease: 5.15.153.1-microsoft-standard-WSL2',
    ]);
  });

  it('tells a Hyper-V guest from a Microsoft-made laptop', async () => {
    expect((await vmOf({ files: dmi('Microsoft Corporation', 'Virtual Machine') })).kind).toBe('hyper-v');
    const surface = await vmOf({
      files: { ...dmi('Microsoft Corporation', 'Surface Laptop 5'), '/proc/cpuinfo': CPU_FLAGS_METAL },
    });
    expect(surface).toEqual({ detected: false, kind: null, evidence: [] });
  });

  it('names QEMU/KVM and Parallels', async () => {
    expect((await vmOf({ files: dmi('QEMU', 'Standard PC (Q35 + ICH9, 2009)') })).kind).toBe('qemu-kvm');
    expect(
      (await vmOf({ files: dmi('Parallels Software International Inc.', 'Parallels Virtual Platform') }))
        .kind,
    ).toBe('parallels');
  });

  it('reports bare metal as no VM, with systemd-detect-virt saying "none" (exit 1)', async () => {
    const vm = await vmOf({
      files: { ...dmi('Dell Inc.', 'Precision 3660'), '/proc/cpuinfo': CPU_FLAGS_METAL },
      commands: { 'systemd-detect-virt --vm': { exitCode: 1, stdout: 'none\n' } },
    });
    expect(vm).toEqual({ detected: false, kind: null, evidence: [] });
  });

  it('says "some VM" when only the CPU flag tells', async () => {
    const vm = await vmOf({ files: { ...dmi('Xen', 'HVM domU'), '/proc/cpuinfo': CPU_FLAGS_VM } });
    expect([vm.detected, vm.kind]).toEqual([true, 'other']);
  });
});

describe('VM detection on Windows and macOS (best effort)', () => {
  it('reads Win32_ComputerSystem through PowerShell', async () => {
    const spec: FakeHostSpec = {
      platform: 'win32',
      commands: {
        'powershell.exe -NoProfile -NonInteractive -Command Get-CimInstance Win32_ComputerSystem | ForEach-Object { $_.Manufacturer; $_.Model }':
          { exitCode: 0, stdout: 'innotek GmbH\r\nVirtualBox\r\n' },
      },
    };
    const vm = await vmOf(spec);
    expect([vm.kind, vm.evidence]).toEqual([
      'virtualbox',
      ['Win32_ComputerSystem: innotek GmbH / VirtualBox'],
    ]);
  });

  it('reads hw.model and kern.hv_vmm_present on macOS', async () => {
    const vmware = await vmOf({
      platform: 'darwin',
      commands: {
        'sysctl -n hw.model': { exitCode: 0, stdout: 'VMware7,1\n' },
        'sysctl -n kern.hv_vmm_present': { exitCode: 0, stdout: '1\n' },
      },
    });
    expect(vmware.kind).toBe('vmware');
    const mac = await vmOf({
      platform: 'darwin',
      commands: {
        'sysctl -n hw.model': { exitCode: 0, stdout: 'MacBookPro18,3\n' },
        'sysctl -n kern.hv_vmm_present': { exitCode: 0, stdout: '0\n' },
      },
    });
    expect(mac.detected).toBe(false);
  });
});
