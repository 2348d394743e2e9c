import type { VmKind } from '../../shared/domain/host-facts.js';
import type { SimStage } from './stage-types.js';

/**
 * The named faults a simulated board can play, documented here and nowhere else. Each entry says what
 * real-world cause it models, what the simulated board does and what the host observes.
 */
export type FaultScenario =
  | { id: 'uboot-no-reconnect' }
  | { id: 'vm-filter'; vm?: VmKind }
  | { id: 'tfa-auth-fail'; imageId?: number }
  | { id: 'tfa-crash' }
  | { id: 'fsbl-rejected' }
  | { id: 'layout-rejected'; message?: string }
  | { id: 'write-error'; partitionId?: number; atOffsetBytes?: number }
  | { id: 'unplug'; stage?: SimStage; afterBytes?: number }
  | { id: 'slow-reconnect'; delayMs?: number }
  | { id: 'serial-change'; stage?: SimStage; serial?: string | null }
  | { id: 'permission-denied'; stage?: SimStage }
  | { id: 'second-board'; stage?: SimStage; portPath?: string; serial?: string };

export type FaultScenarioId = FaultScenario['id'];
export type ScenarioInput = FaultScenarioId | FaultScenario;

export interface FaultScenarioInfo {
  id: FaultScenarioId;
  title: string;
  realWorldCause: string;
  boardBehaviour: string;
  hostSees: string;
  parameters: string;
  protocolRef: string;
}

export const FAULT_SCENARIOS: readonly FaultScenarioInfo[] = [
  {
    id: 'uboot-no-reconnect',
    title: 'U-Boot USB never comes up',
    realWorldCause:
      'U-Boot OTG node wrong (dr_mode), no VBUS/ID sensing and no u-boot,force-b-session-valid, missing usb33d-supply or USB PHY supplies, bad HSE/USB_RREF',
    boardBehaviour: 'ROM and TF-A work; after the FIP DETACH TF-A leaves the bus and U-Boot never enumerates',
    hostSees: 'reconnect timeout after phase 0x03 ("Start operation failed at partition 0x03")',
    parameters: '—',
    protocolRef: '§7 #1',
  },
  {
    id: 'vm-filter',
    title: 'Host VM does not pass the new identity',
    realWorldCause:
      'host runs in VirtualBox/VMware whose USB filter matches the ROM/TF-A device but not U-Boot',
    boardBehaviour:
      'the board re-enumerates normally, but the simulated bus hides every identity whose product starts with "USB download gadget"; simulatedHostFacts() reports the VM with evidence',
    hostSees:
      'no connect event for U-Boot: a reconnect timeout after phase 0x03; open() of a hidden id → device-not-found',
    parameters: 'vm (default virtualbox)',
    protocolRef: '§7 #2',
  },
  {
    id: 'tfa-auth-fail',
    title: 'TF-A authentication failure loading BL32/BL33',
    realWorldCause:
      'TRUSTED_BOARD_BOOT build with a missing nvmem_layout/PKH, wrongly signed or unsigned images',
    boardBehaviour:
      'FIP phase accepted; after DETACH BL2 prints "ERROR: BL2: Failed to load image id <n> (-80)" and panics; U-Boot never comes',
    hostSees: 'same as uboot-no-reconnect: reconnect timeout at partition 0x03',
    parameters: 'imageId (default 5, BL33)',
    protocolRef: '§7 #3',
  },
  {
    id: 'tfa-crash',
    title: 'TF-A dies right after the ROM starts it',
    realWorldCause: 'bad TF-A device tree or DDR settings (PANIC at PC)',
    boardBehaviour:
      'MP15: after the MANIFEST reply the ROM has jumped and nothing services ep0, so every request hangs; MP13/MP25: after DETACH the ROM leaves the bus and TF-A never enumerates',
    hostSees: 'MP15: the next request times out; MP13/MP25: reconnect timeout at partition 0x01',
    parameters: '—',
    protocolRef: '§7 #4, §3.4',
  },
  {
    id: 'fsbl-rejected',
    title: 'ROM refuses the FSBL',
    realWorldCause:
      'header, checksum, size or signature rejected by the ROM (also happens without the fault for a bad image)',
    boardBehaviour: 'GETSTATUS after the ZLP reports dfuMANIFEST, the next one errUNKNOWN/dfuERROR',
    hostSees: '"Status: errUNKNOWN, State: dfuERROR" at partition 0x01',
    parameters: '—',
    protocolRef: '§7 #5, §6.2',
  },
  {
    id: 'layout-rejected',
    title: 'U-Boot rejects the FlashLayout',
    realWorldCause: 'syntax error in the TSV (or a forced message to test the host path)',
    boardBehaviour:
      'the layout flush records the message and GetPhase answers 0xFF + text (the parser message for a really bad layout, this forced one otherwise); DETACH leaves stm32prog without a reset',
    hostSees: 'GetPhase 0xFF with e.g. "Layout line 4: invalid offset \'zz\'"',
    parameters: 'message (default "Layout line 4: invalid offset \'zz\'")',
    protocolRef: '§7 #6, §5.2',
  },
  {
    id: 'write-error',
    title: 'Medium write error during a partition',
    realWorldCause: 'eMMC/NOR write failure while U-Boot drains its DFU buffer',
    boardBehaviour:
      'the DNLOAD that reaches atOffsetBytes of the partition fails like a buffer drain: errUNKNOWN/dfuERROR, phase 0xFF "DFU write error"; DETACH after reading 0xFF resets the board to the ROM',
    hostSees:
      'GETSTATUS errUNKNOWN/dfuERROR → CLRSTATUS → GetPhase 0xFF "DFU write error" → DETACH → ROM re-enumerates',
    parameters: 'partitionId (default: the first partition), atOffsetBytes (default 0)',
    protocolRef: '§7 #7',
  },
  {
    id: 'unplug',
    title: 'Cable pulled mid-transfer',
    realWorldCause: 'operator pulls the USB cable or a hub port drops',
    boardBehaviour:
      'after afterBytes of DNLOAD payload in the given stage the board leaves the bus and is unpowered',
    hostSees:
      'the pending request and every later one on the handle reject device-gone; a disconnect event; nothing returns',
    parameters: 'stage (default uboot-flash), afterBytes (default 1 MiB)',
    protocolRef: '§9.4',
  },
  {
    id: 'slow-reconnect',
    title: 'U-Boot comes back late',
    realWorldCause: 'slow DDR/PMIC init, secure boot checks, a big BL32',
    boardBehaviour: 'TF-A DETACH → U-Boot enumeration takes delayMs instead of about 3 s',
    hostSees: 'a long wait that still succeeds inside a 30 s reconnect timeout',
    parameters: 'delayMs (default 20 000)',
    protocolRef: '§1.3, §9.4',
  },
  {
    id: 'serial-change',
    title: 'The board comes back with another serial',
    realWorldCause: 'vendor U-Boot sets serial# differently, or no serial string at all',
    boardBehaviour: 'from the given stage on, the identity carries the other serial (same port path)',
    hostSees: 'a re-enumeration on the same port whose serial differs',
    parameters: 'stage (default uboot-layout), serial (default a derived one; null = no serial string)',
    protocolRef: '§2.3',
  },
  {
    id: 'permission-denied',
    title: 'Re-enumerated device cannot be opened',
    realWorldCause: 'udev rule missing or not yet applied to the new device node, Windows driver not bound',
    boardBehaviour: 'the device enumerates and is listed, but open() of that enumeration rejects',
    hostSees: "AppError('usb-permission-denied') from open()",
    parameters: 'stage (default uboot-layout)',
    protocolRef: '—',
  },
  {
    id: 'second-board',
    title: 'Another board is plugged in during the flash',
    realWorldCause: 'an operator plugs the next board on another port of the station',
    boardBehaviour:
      'when this board enters the given stage, a second board (same SoC, other serial) is plugged on another port',
    hostSees:
      'an extra ROM-stage connect event on another port path: a host matching by VID:PID alone picks the wrong board',
    parameters: 'stage (default uboot-layout), portPath, serial',
    protocolRef: '§9.4',
  },
];

/** The catalogue as a markdown table, for the README. */
export function faultScenarioMarkdownTable(): string {
  const rows = FAULT_SCENARIOS.map(
    (s) =>
      `| \`${s.id}\` | ${s.title} | ${s.realWorldCause} | ${s.boardBehaviour} | ${s.hostSees} | ${s.parameters} | ${s.protocolRef} |`,
  );
  return [
    '| Scenario | Title | Real-world cause | What the board does | What the host sees | Parameters | Doc |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Scenario parameters with their defaults filled in. */
export interface FaultPlan {
  readonly ids: ReadonlySet<FaultScenarioId>;
  ubootNoReconnect: boolean;
  vmFilter: VmKind | null;
  tfaAuthFailImageId: number | null;
  tfaCrash: boolean;
  fsblRejected: boolean;
  layoutRejectedMessage: string | null;
  writeError: { partitionId: number | null; atOffsetBytes: number } | null;
  unplug: { stage: SimStage; afterBytes: number } | null;
  slowReconnectMs: number | null;
  serialChange: { stage: SimStage; serial: string | null | undefined } | null;
  permissionDenied: { stage: SimStage } | null;
  secondBoard: { stage: SimStage; portPath: string | null; serial: string | null } | null;
}

export function resolveFaults(input: ScenarioInput | readonly ScenarioInput[] | undefined): FaultPlan {
  const list = (input === undefined ? [] : Array.isArray(input) ? input : [input]) as ScenarioInput[];
  const scenarios: FaultScenario[] = list.map((s) => (typeof s === 'string' ? { id: s } : s));
  const plan: FaultPlan = {
    ids: new Set(scenarios.map((s) => s.id)),
    ubootNoReconnect: false,
    vmFilter: null,
    tfaAuthFailImageId: null,
    tfaCrash: false,
    fsblRejected: false,
    layoutRejectedMessage: null,
    writeError: null,
    unplug: null,
    slowReconnectMs: null,
    serialChange: null,
    permissionDenied: null,
    secondBoard: null,
  };
  for (const s of scenarios) {
    switch (s.id) {
      case 'uboot-no-reconnect':
        plan.ubootNoReconnect = true;
        break;
      case 'vm-filter':
        plan.vmFilter = s.vm ?? 'virtualbox';
        break;
      case 'tfa-auth-fail':
        plan.tfaAuthFailImageId = s.imageId ?? 5;
        break;
      case 'tfa-crash':
        plan.tfaCrash = true;
        break;
      case 'fsbl-rejected':
        plan.fsblRejected = true;
        break;
      case 'layout-rejected':
        plan.layoutRejectedMessage = s.message ?? "Layout line 4: invalid offset 'zz'";
        break;
      case 'write-error':
        plan.writeError = { partitionId: s.partitionId ?? null, atOffsetBytes: s.atOffsetBytes ?? 0 };
        break;
      case 'unplug':
        plan.unplug = { stage: s.stage ?? 'uboot-flash', afterBytes: s.afterBytes ?? 1024 * 1024 };
        break;
      case 'slow-reconnect':
        plan.slowReconnectMs = s.delayMs ?? 20_000;
        break;
      case 'serial-change':
        plan.serialChange = { stage: s.stage ?? 'uboot-layout', serial: s.serial };
        break;
      case 'permission-denied':
        plan.permissionDenied = { stage: s.stage ?? 'uboot-layout' };
        break;
      case 'second-board':
        plan.secondBoard = {
          stage: s.stage ?? 'uboot-layout',
          portPath: s.portPath ?? null,
          serial: s.serial ?? null,
        };
        break;
    }
  }
  return plan;
}
