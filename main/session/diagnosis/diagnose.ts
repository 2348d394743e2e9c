import type { Diagnosis, SymptomCode } from '../../../shared/domain/diagnosis.js';
import { SYMPTOMS } from '../../../shared/domain/diagnosis.js';
import type { FlashEvent, WaitAfter } from '../../../shared/domain/flash-event.js';
import type { VmKind } from '../../../shared/domain/host-facts.js';
import { CauseBuilder } from './cause-builder.js';
import type { SessionEvidence } from './session-evidence.js';
import { collectEvidence, formatSeconds } from './session-evidence.js';

export interface DiagnoseOptions {
  /** The exact USB filter line for a hypervisor (main/host's advice table), shown as a check. */
  vmFilterAdvice?: (kind: VmKind) => string | null;
  /** Preflight codes that mean "the FIP carries trusted-board-boot certificates". */
  tbbPreflightCodes?: readonly string[];
  /** Preflight codes that mean "the FSBL does not look like TF-A's USB/programmer build". */
  fsblNotUsbPreflightCodes?: readonly string[];
}

const DEFAULT_TBB_CODES = ['fip-tbb'];
const DEFAULT_FSBL_NOT_USB_CODES = ['fsbl-not-usb'];

const WAIT_WORDS: Record<WaitAfter, string> = {
  start: 'the board to appear',
  'after-fsbl': 'TF-A to enumerate after the FSBL was started',
  'after-ddr-fip': 'TF-A to come back after the DDR firmware',
  'after-fip': 'U-Boot ("USB download gadget") to enumerate after TF-A was detached',
  'after-layout': "U-Boot's second enumeration after the layout was accepted",
};

/**
 * Rules over the evidence of one session: a symptom (what the bus showed) and ranked causes (why),
 * each with this session's evidence and what to check. Returns null for a successful session.
 */
export function diagnose(events: readonly FlashEvent[], options: DiagnoseOptions = {}): Diagnosis | null {
  const outcome = events.findLast((e) => e.type === 'outcome');
  if (outcome?.type === 'outcome' && outcome.ok) return null;
  const evidence = collectEvidence(events);
  const causes = new CauseBuilder();
  const result = classify(evidence, causes, options);
  addLinkFacts(evidence, causes);
  return {
    symptom: result.symptom,
    variant: result.variant ?? null,
    summary: result.summary,
    evidence: result.evidence ?? [],
    deviceText: result.deviceText ?? null,
    layoutLine: result.layoutLine ?? null,
    partition: result.partition ?? null,
    causes: causes.ranked(),
  };
}

interface Classified {
  symptom: SymptomCode;
  summary: string;
  evidence?: string[];
  variant?: string;
  deviceText?: string;
  layoutLine?: number | null;
  partition?: { phaseId: number; name: string };
}

function classify(ev: SessionEvidence, causes: CauseBuilder, options: DiagnoseOptions): Classified {
  const error = ev.lastError;
  const wait = ev.lastWait;
  if (ev.cancelled || error?.code === 'aborted') {
    causes.add('user-cancelled', 1, ['The session was cancelled before it finished.']);
    return { symptom: 'cancelled', summary: SYMPTOMS.cancelled.meaning };
  }
  if (wait?.end && wait.end.result !== 'arrived') {
    switch (wait.end.result) {
      case 'wrong-board':
        return differentBoard(ev, causes);
      case 'board-reset':
        return boardReset(ev, causes);
      case 'inaccessible':
        return inaccessible(ev, causes, options);
      case 'timeout':
        return wait.start.after === 'start'
          ? boardNotFound(ev, causes, options)
          : noReenumeration(ev, causes, options);
      default:
        break;
    }
  }
  if (error && ['usb-permission-denied', 'usb-no-driver', 'usb-busy'].includes(error.code)) {
    return inaccessible(ev, causes, options);
  }
  const phase = ev.lastPhase;
  if (phase && phase.phase === 0xff) return devicePhaseError(ev, causes);
  if (error?.code === 'dfu-status-error' && error.stage === 'rom') return fsblRejected(ev, causes, options);
  if (error?.code === 'dfu-status-error' && ev.openPartition) return partitionWriteFailed(ev, causes, null);
  if (error?.code === 'device-gone') return unplugged(ev, causes);
  if (error?.code === 'timeout' || error?.code === 'transfer-failed' || error?.code === 'stall') {
    return notResponding(ev, causes);
  }
  if (error?.code === 'device-not-found' || error?.code === 'usb-unavailable') {
    if (error.code === 'usb-unavailable') causes.add('host-no-usb', 0.95, [error.message]);
    return boardNotFound(ev, causes, options);
  }
  causes.add('cable-or-hub', 0.3, error ? [`Last error: ${error.message}`] : []);
  return {
    symptom: 'device-error',
    summary: error ? `The flash stopped: ${error.message}` : 'The flash stopped without a recorded error.',
  };
}

function vmEvidence(ev: SessionEvidence): string[] {
  const vm = ev.host?.vm;
  if (!vm?.detected) return [];
  return [
    `This host is a virtual machine (${vm.kind ?? 'unknown kind'}): ${vm.evidence.join('; ') || 'detected'}.`,
  ];
}

function vmChecks(ev: SessionEvidence, options: DiagnoseOptions): string[] {
  const kind = ev.host?.vm.kind;
  const advice = kind && options.vmFilterAdvice ? options.vmFilterAdvice(kind) : null;
  return advice ? [advice] : [];
}

function hasPreflight(ev: SessionEvidence, codes: readonly string[]): boolean {
  return codes.some((code) => ev.preflightCodes.has(code));
}

function leftAt(ev: SessionEvidence): string[] {
  const left = ev.lastTargetDisconnect;
  if (!left) return [];
  const silentMs = ev.endTMs - left.tMs;
  return [
    `The board left the bus on port ${left.identity.portPath} (${left.identity.product ?? 'no product string'}) and nothing came back there for ${formatSeconds(silentMs)}.`,
  ];
}

function othersSeen(ev: SessionEvidence): string[] {
  const arrivals = ev.otherIdentities.filter((o) => o.change === 'connect');
  if (arrivals.length === 0) return [];
  return arrivals
    .slice(-3)
    .map(
      (o) =>
        `Meanwhile ${o.identity.product ?? 'a device'} (serial ${o.identity.serial ?? 'none'}) appeared on another port, ${o.identity.portPath}; it was not touched.`,
    );
}

function noReenumeration(ev: SessionEvidence, causes: CauseBuilder, options: DiagnoseOptions): Classified {
  const wait = ev.lastWait!;
  const after = wait.start.after;
  const waited = `Waited ${formatSeconds(wait.end?.elapsedMs ?? wait.start.timeoutMs)} for ${WAIT_WORDS[after]}.`;
  const base = [...leftAt(ev), waited, ...othersSeen(ev)];
  const vm = vmEvidence(ev);
  if (vm.length > 0) {
    // The board behaved: it left to re-enumerate. In a VM the new identity is filtered out before we see it.
    const score = after === 'after-layout' ? 0.55 : 0.95;
    causes.add('vm-usb-filter', score, vm, vmChecks(ev, options));
  }
  const tbb = hasPreflight(ev, options.tbbPreflightCodes ?? DEFAULT_TBB_CODES);
  switch (after) {
    case 'after-fsbl': {
      const notUsb = hasPreflight(ev, options.fsblNotUsbPreflightCodes ?? DEFAULT_FSBL_NOT_USB_CODES);
      causes.add(
        'fsbl-not-usb-variant',
        notUsb ? 0.85 : 0.4,
        notUsb ? ['Preflight: the FSBL does not look like the USB/programmer build of TF-A.'] : [],
      );
      causes.add('tfa-panic', 0.6, [
        'The ROM accepted the FSBL and let go of the bus; TF-A is the code that should enumerate next.',
      ]);
      causes.add('power-supply', 0.25, []);
      break;
    }
    case 'after-ddr-fip':
      causes.add('ddr-init-failure', 0.75, [
        'TF-A left the bus to initialise DDR with the DDR firmware and did not come back.',
      ]);
      causes.add('tfa-panic', 0.55, []);
      break;
    case 'after-fip':
      causes.add('uboot-otg-setup', 0.8, [
        'The ROM and TF-A answered on USB, so the cable and the host work; U-Boot is the first stage that sets up the USB controller itself.',
      ]);
      causes.add('usb-phy-supplies', 0.55, []);
      causes.add(
        'tfa-auth-failure',
        tbb ? 0.85 : 0.35,
        tbb ? ['The FIP carries trusted-board-boot certificates (a signed chain).'] : [],
      );
      causes.add('tfa-panic', 0.45, []);
      break;
    case 'after-layout':
      causes.add(
        'layout-content',
        0.5,
        [
          'U-Boot accepted the layout and then initialises the devices (GPT write, erases) before it re-enumerates.',
        ],
        [
          'If the layout erases a lot (D / PED lines, RawImage), raise the wait: --timeout after-layout=<seconds>.',
        ],
      );
      causes.add('storage-medium', 0.45, []);
      causes.add('power-supply', 0.3, []);
      break;
    default:
      break;
  }
  return {
    symptom: 'no-reenumeration',
    variant: after,
    summary: `The board left the bus and did not come back: waited ${formatSeconds(wait.start.timeoutMs)} for ${WAIT_WORDS[after]}.`,
    evidence: base,
  };
}

function boardNotFound(ev: SessionEvidence, causes: CauseBuilder, options: DiagnoseOptions): Classified {
  const where = ev.targetPortPath
    ? `on port ${ev.targetPortPath}`
    : ev.expectedSerial
      ? `with serial ${ev.expectedSerial}`
      : 'on the bus';
  const evidence = [`No STM32MP DFU device ${where}.`, ...othersSeen(ev)];
  causes.add('cable-or-hub', 0.5, evidence, [
    'Set the boot pins to USB/serial boot (e.g. BOOT[2:0] = 000 on DK boards) and reset the board.',
  ]);
  const access = ev.host?.usbAccess;
  if (access && access.state !== 'ok') {
    const id = access.state === 'no-driver' ? 'windows-driver' : 'host-permissions';
    causes.add(id, 0.7, [`USB access: ${access.detail}`], access.fix ? [access.fix] : []);
  }
  const vm = vmEvidence(ev);
  if (vm.length > 0) causes.add('vm-usb-filter', 0.7, vm, vmChecks(ev, options));
  causes.add('power-supply', 0.2, []);
  return { symptom: 'board-not-found', summary: `No board was found ${where}.` };
}

function differentBoard(ev: SessionEvidence, causes: CauseBuilder): Classified {
  const arrived = ev.targetIdentities.findLast((t) => t.change === 'connect');
  const evidence = [
    `Expected serial ${ev.expectedSerial ?? '(none)'} on port ${ev.targetPortPath ?? '?'}; the device that came back has serial ${arrived?.identity.serial ?? '(none)'}.`,
  ];
  causes.add('hub-renumbering', 0.8, evidence);
  return {
    symptom: 'different-board',
    summary: 'A board with another serial came back on this port; it was not touched.',
  };
}

function boardReset(ev: SessionEvidence, causes: CauseBuilder): Classified {
  const evidence = [
    'The board came back on the same port as the ROM code (serial boot), not as the next stage.',
  ];
  const phase = ev.lastPhase;
  if (phase?.phase === 0xff) {
    causes.add('board-reset-after-error', 0.85, [
      ...evidence,
      `The board had reported: ${phase.errorText ?? 'an error'}.`,
    ]);
  } else {
    causes.add('tfa-panic', 0.5, evidence);
  }
  causes.add('power-supply', 0.55, evidence);
  return {
    symptom: 'board-reset',
    summary: 'The board rebooted into the ROM code instead of starting its next stage.',
  };
}

function inaccessible(ev: SessionEvidence, causes: CauseBuilder, options: DiagnoseOptions): Classified {
  const error = ev.lastError;
  const evidence = error ? [`Opening the device failed: ${error.message}`] : [];
  const os = ev.host?.os;
  if (error?.code === 'usb-busy') causes.add('device-held-by-another-program', 0.85, evidence);
  if (os === 'win32' || error?.code === 'usb-no-driver') causes.add('windows-driver', 0.8, evidence);
  else causes.add('host-permissions', error?.code === 'usb-permission-denied' ? 0.85 : 0.5, evidence);
  const vm = vmEvidence(ev);
  if (vm.length > 0) causes.add('vm-usb-filter', 0.6, [...vm, ...evidence], vmChecks(ev, options));
  return {
    symptom: 'reenumerated-inaccessible',
    summary: 'The board re-enumerated as its next stage, but this host could not open it.',
  };
}

function devicePhaseError(ev: SessionEvidence, causes: CauseBuilder): Classified {
  const phase = ev.lastPhase!;
  const text = phase.errorText ?? 'Unspecified';
  if (phase.stage === 'tfa') {
    causes.add('fsbl-image-invalid', 0.3, [`TF-A said: ${text}`]);
    causes.add(
      'layout-content',
      0.6,
      [`TF-A said: ${text}`],
      ['Check the FIP file of the 0x03 (and 0x02) line: it must start with a FIP table of contents.'],
    );
    return { symptom: 'fip-rejected', summary: `TF-A refused the download: ${text}`, deviceText: text };
  }
  const layoutStage =
    phase.stage === 'uboot-layout' || /^Layout/i.test(text) || !ev.stagesReached.has('uboot-partitions');
  if (layoutStage) {
    const lineMatch = /line (\d+)/i.exec(text);
    const sourceLine =
      typeof ev.lastError?.fields.sourceLine === 'number' ? ev.lastError.fields.sourceLine : null;
    causes.add('layout-content', 0.9, [`U-Boot said: ${text}`]);
    return {
      symptom: 'layout-rejected',
      summary: `U-Boot refused the FlashLayout: ${text}`,
      deviceText: text,
      layoutLine: sourceLine ?? (lineMatch ? Number(lineMatch[1]) : null),
    };
  }
  return partitionWriteFailed(ev, causes, text);
}

function partitionWriteFailed(
  ev: SessionEvidence,
  causes: CauseBuilder,
  deviceText: string | null,
): Classified {
  const part = ev.openPartition;
  const evidence = [
    ...(deviceText ? [`U-Boot said: ${deviceText}`] : []),
    ...(ev.lastError ? [`Last error: ${ev.lastError.message}`] : []),
  ];
  if (deviceText && /exceed|overflow|too (big|large)/i.test(deviceText))
    causes.add('partition-too-large', 0.9, evidence);
  causes.add('storage-medium', 0.6, evidence);
  causes.add('board-reset-after-error', 0.3, [
    'After an error U-Boot resets the board when the host detaches.',
  ]);
  const name = part ? `${part.name} (0x${part.phaseId.toString(16).padStart(2, '0')})` : 'a partition';
  return {
    symptom: 'partition-write-failed',
    summary: `Writing ${name} failed${deviceText ? `: ${deviceText}` : '.'}`,
    ...(deviceText ? { deviceText } : {}),
    ...(part ? { partition: { phaseId: part.phaseId, name: part.name } } : {}),
  };
}

function fsblRejected(ev: SessionEvidence, causes: CauseBuilder, options: DiagnoseOptions): Classified {
  const evidence = ev.lastError ? [`The ROM answered: ${ev.lastError.message}`] : [];
  causes.add('fsbl-image-invalid', 0.85, evidence);
  const notUsb = hasPreflight(ev, options.fsblNotUsbPreflightCodes ?? DEFAULT_FSBL_NOT_USB_CODES);
  causes.add(
    'fsbl-not-usb-variant',
    notUsb ? 0.6 : 0.2,
    notUsb ? ['Preflight: the FSBL does not look like the USB/programmer build.'] : [],
  );
  return { symptom: 'fsbl-rejected', summary: 'The boot ROM refused the FSBL after it was downloaded.' };
}

function unplugged(ev: SessionEvidence, causes: CauseBuilder): Classified {
  const evidence = [...leftAt(ev)];
  if (ev.openPartition) evidence.push(`It left while ${ev.openPartition.name} was being written.`);
  causes.add('cable-or-hub', 0.8, evidence);
  causes.add('power-supply', 0.5, evidence);
  return {
    symptom: 'device-unplugged',
    summary: 'The board left the bus in the middle of a transfer and did not come back.',
  };
}

function notResponding(ev: SessionEvidence, causes: CauseBuilder): Classified {
  const error = ev.lastError!;
  const evidence = [`${error.message} (during ${error.stage}).`];
  if (error.stage === 'rom' || error.stage === 'tfa') causes.add('tfa-panic', 0.7, evidence);
  causes.add('cable-or-hub', 0.5, evidence);
  causes.add('power-supply', 0.35, evidence);
  return { symptom: 'device-not-responding', summary: `The board stopped answering: ${error.message}` };
}

function addLinkFacts(ev: SessionEvidence, causes: CauseBuilder): void {
  const fullSpeed = ev.targetIdentities.find((t) => t.change === 'connect' && t.identity.speed === 'full');
  if (fullSpeed) {
    causes.add('full-speed-link', 0.4, [
      `The board enumerated at full speed (12 Mbit/s) as ${fullSpeed.identity.product ?? 'a DFU device'}; STM32MP stages run at high speed.`,
    ]);
  }
}
