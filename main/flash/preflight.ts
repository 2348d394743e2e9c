import type { HostFacts } from '../../shared/domain/host-facts.js';
import { vmAdviceText } from '../host/vm-advice-text.js';
import type { SessionContext } from './session-context.js';

/**
 * Before the first byte: the layout's warnings and notes, USB access, and — in a VM — what the board
 * is about to do to the VM's USB filter (each boot stage is a new USB device).
 */
export function emitPreflight(context: SessionContext, host: HostFacts): void {
  for (const problem of context.plan.problems) {
    if (problem.severity === 'error') continue;
    context.emit({
      type: 'preflight',
      level: problem.severity,
      code: problem.code,
      message: problem.line !== null ? `line ${problem.line}: ${problem.message}` : problem.message,
      hint: problem.hint || null,
    });
  }
  if (host.vm.detected) {
    const advice = host.vm.kind ? vmAdviceText(host.vm.kind) : null;
    context.emit({
      type: 'preflight',
      level: 'warning',
      code: 'host-is-vm',
      message: `This host is a virtual machine (${host.vm.kind ?? 'unknown hypervisor'}). During a flash the board re-enumerates 3–4 times as 0483:df11 with a new product string (ROM, TF-A, U-Boot twice); each new device must pass the VM's USB filter or the flash stops with "no re-enumeration".`,
      hint: advice,
    });
  }
  if (host.usbAccess.state !== 'ok' && host.usbAccess.state !== 'unknown') {
    context.emit({
      type: 'preflight',
      level: 'warning',
      code: `usb-access-${host.usbAccess.state}`,
      message: `USB access: ${host.usbAccess.detail}`,
      hint: host.usbAccess.fix,
    });
  }
}
