import type { HostFacts } from '../../shared/domain/host-facts.js';
import type { HostView, UsbAdvice } from '../../shared/ipc/host-channels.js';
import type { Clock } from '../core/clock.js';
import { vmFilterAdvice } from '../host/vm-filter-advice.js';
import { noDriverHint, udevInstallCommand } from '../usb/usb-hints.js';
import type { AppEventHub } from './app-events.js';

/** What the pre-flight panel says about USB access, from the probe's facts. */
export function usbAdviceFor(facts: HostFacts, udevRulePath?: string): UsbAdvice {
  const access = facts.usbAccess;
  if (facts.os === 'win32') {
    return {
      status: access.state === 'no-driver' ? 'action-needed' : 'unknown',
      title: 'Windows needs the WinUSB driver for 0483:df11',
      detail:
        'Windows binds a driver to each USB identity. The board shows up to four identities while it is flashed (ROM, TF-A, U-Boot twice), all 0483:df11.',
      command: null,
      explanation: noDriverHint(),
    };
  }
  if (access.state === 'ok') {
    return {
      status: 'ok',
      title: 'USB access is set up',
      detail: access.detail,
      command: null,
      explanation: null,
    };
  }
  if (access.state === 'unknown') {
    return {
      status: 'unknown',
      title: 'USB access not checked',
      detail: access.detail,
      command: access.fix,
      explanation: null,
    };
  }
  if (facts.os === 'linux' && (access.state === 'no-udev-rule' || access.state === 'permission-denied')) {
    return {
      status: 'action-needed',
      title: 'This user cannot open STM32MP boards yet',
      detail: `${access.detail} Install the udev rule once; it covers every boot stage of every STM32MP board.`,
      command: access.fix ?? udevInstallCommand(udevRulePath),
      explanation: 'Then unplug and replug the board. No root rights are needed to flash after that.',
    };
  }
  return {
    status: 'action-needed',
    title: 'USB is not available',
    detail: access.detail,
    command: access.fix,
    explanation: null,
  };
}

export function hostViewOf(facts: HostFacts, checkedAt: Date, udevRulePath?: string): HostView {
  const advice = facts.vm.detected ? vmFilterAdvice(facts.vm.kind ?? 'other') : null;
  return {
    facts,
    vmAdvice: advice
      ? {
          kind: advice.kind,
          product: advice.product,
          mechanism: advice.mechanism,
          summary: advice.summary,
          steps: advice.steps.map((s) => ({ ...s })),
          caveats: [...advice.caveats],
        }
      : null,
    usbAdvice: usbAdviceFor(facts, udevRulePath),
    checkedAt: checkedAt.toISOString(),
  };
}

/** The host probe, cached: the first call probes, `refresh()` probes again and tells the windows. */
export class HostService {
  private cached: Promise<HostView> | null = null;

  constructor(
    private readonly probe: () => Promise<HostFacts>,
    private readonly clock: Clock,
    private readonly events: AppEventHub,
    private readonly udevRulePath?: string,
  ) {}

  view(): Promise<HostView> {
    this.cached ??= this.load();
    return this.cached;
  }

  async facts(): Promise<HostFacts> {
    return (await this.view()).facts;
  }

  async refresh(): Promise<HostView> {
    this.cached = this.load();
    const view = await this.cached;
    this.events.emit('host.changed', view);
    return view;
  }

  private async load(): Promise<HostView> {
    const facts = await this.probe();
    return hostViewOf(facts, this.clock.wallNow(), this.udevRulePath);
  }
}
