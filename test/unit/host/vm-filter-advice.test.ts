import { describe, expect, it } from 'vitest';
import type { VmKind } from '../../../shared/domain/host-facts.js';
import { VM_FILTER_ADVICE, vmFilterAdvice } from '../../../main/host/vm-filter-advice.js';

const KINDS: VmKind[] = ['virtualbox', 'vmware', 'hyper-v', 'wsl', 'parallels', 'qemu-kvm', 'other'];

describe('vmFilterAdvice', () => {
  it('has advice for every hypervisor kind and none without a VM', () => {
    expect(Object.keys(VM_FILTER_ADVICE).sort()).toEqual([...KINDS].sort());
    for (const kind of KINDS) expect(vmFilterAdvice(kind)?.kind).toBe(kind);
    expect(vmFilterAdvice(null)).toBeNull();
  });

  it('gives the exact VirtualBox filter, VMware .vmx line and usbipd commands', () => {
    const commands = (kind: VmKind): string[] =>
      vmFilterAdvice(kind)!.steps.flatMap((s) => (s.command ? [s.command] : []));
    expect(commands('virtualbox')).toContain(
      'VBoxManage usbfilter add 0 --target "<vm-name>" --name "STM32MP DFU" --vendorid 0483 --productid df11',
    );
    expect(commands('vmware').join('\n')).toContain('usb.autoConnect.device0 = "vid:0483 pid:df11"');
    expect(commands('wsl')).toEqual(
      expect.arrayContaining([
        'usbipd policy add --effect Allow --operation AutoBind --hardware-id 0483:df11',
        'usbipd attach --wsl --auto-attach --hardware-id 0483:df11',
      ]),
    );
    expect(commands('qemu-kvm')[0]).toContain('usb-host,bus=xhci.0,vendorid=0x0483,productid=0xdf11');
    expect(vmFilterAdvice('hyper-v')!.mechanism).toBe('usbip');
  });

  it('never pins a serial number, product string or revision, which change between stages', () => {
    for (const advice of Object.values(VM_FILTER_ADVICE)) {
      for (const step of advice.steps) {
        expect(step.command ?? '').not.toMatch(/--serialnumber|--product |--revision|serial|bcdDevice/i);
      }
    }
  });
});
