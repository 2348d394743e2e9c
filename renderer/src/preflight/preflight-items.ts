import type { FlashPlan } from '../../../shared/domain/flash-plan.js';
import { countBySeverity } from '../../../shared/domain/layout-problem.js';
import type { HostView } from '../../../shared/ipc/host-channels.js';
import { pluralize } from '../layout/layout-format.js';

export type PreflightItem =
  | { kind: 'vm'; level: 'warning'; title: string; text: string }
  | {
      kind: 'usb';
      level: 'error' | 'warning';
      title: string;
      text: string;
      command: string | null;
      explanation: string | null;
    }
  | { kind: 'layout'; level: 'error' | 'warning'; title: string; text: string };

const VM_NAMES: Record<string, string> = {
  virtualbox: 'a VirtualBox',
  vmware: 'a VMware',
  'hyper-v': 'a Hyper-V',
  wsl: 'a WSL 2',
  parallels: 'a Parallels',
  'qemu-kvm': 'a QEMU/KVM',
  other: 'a',
};

/** What to tell the bench engineer before the first byte is sent, worst first. */
export function preflightItems(host: HostView | null, plan: FlashPlan | null): PreflightItem[] {
  const items: PreflightItem[] = [];
  if (host && host.usbAdvice.status === 'action-needed') {
    items.push({
      kind: 'usb',
      level: 'error',
      title: host.usbAdvice.title,
      text: host.usbAdvice.detail,
      command: host.usbAdvice.command,
      explanation: host.usbAdvice.explanation,
    });
  } else if (host && host.facts.os === 'win32') {
    items.push({
      kind: 'usb',
      level: 'warning',
      title: host.usbAdvice.title,
      text: host.usbAdvice.detail,
      command: null,
      explanation: host.usbAdvice.explanation,
    });
  }
  if (plan) {
    const counts = countBySeverity(plan.problems);
    if (counts.error > 0) {
      items.push({
        kind: 'layout',
        level: 'error',
        title: `The layout has ${pluralize(counts.error, 'error')}`,
        text: 'Nothing is sent to a board until they are fixed: each one below says its line, field and what to do.',
      });
    } else if (counts.warning > 0) {
      items.push({
        kind: 'layout',
        level: 'warning',
        title: `The layout has ${pluralize(counts.warning, 'warning')}`,
        text: 'The flash can run; read them first, they are listed under the partition table.',
      });
    }
  }
  if (host?.facts.vm.detected) {
    const vm = VM_NAMES[host.facts.vm.kind ?? 'other'] ?? 'a';
    items.push({
      kind: 'vm',
      level: 'warning',
      title: `This computer is ${vm} virtual machine`,
      text:
        'During a flash the board leaves the bus and comes back as a new USB device several times (ROM → TF-A → U-Boot → U-Boot again), ' +
        'all 0483:df11 but with a new product string each time. Unless the VM passes every one of them through, the flash stops with ' +
        '"the board did not come back".',
    });
  }
  return items;
}
