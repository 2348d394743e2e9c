import { AppError } from '../core/app-error.js';
import type { DownloadEnd } from '../dfu/dfu-download.js';
import { PHASE } from './phase-ids.js';
import type { SocFamily, StageId } from './stage-detect.js';

/**
 * Every per-SoC / per-stage difference the host must honour, as one table (design habit 5). Each
 * value carries its reason and source (IDs of docs/stm32mp-usb-protocol.md §0.1, or a section).
 * Pipeline code reads a profile and passes values on (e.g. `downloadEnd` to DfuClient.download,
 * `detachOnlyInIdle` to DfuClient.detach); it should never test the SoC or stage itself.
 */
export interface StageBehaviour {
  /** ROM: alt index of `@FSBL /0x01/…`. Prefer the phase map; this is a cross-check. */
  fsblAltIndex: number | null;
  /** wTransferSize the stage advertises (the client uses the descriptor; this is for diagnosis). */
  transferSizeBytes: number;
  /** Phases the stage asks for on the normal path, in order ([] = from the layout). */
  expectedPhases: readonly number[];
  /** What ends a download at this stage (see DownloadEnd). */
  downloadEnd: DownloadEnd;
  /** Whether GetPhase is the way to learn what the stage wants. */
  getPhase: 'drives-the-stage' | 'not-needed';
  /** How the host hands over to the next stage. */
  handover:
    | 'none-rom-jumps-after-manifest'
    | 'detach-after-fsbl'
    | 'detach-when-get-phase-asks'
    | 'optional-detach-at-end';
  /** Send DETACH only from dfuIDLE (pass as DfuClient.detach({ checkIdleFirst })). */
  detachOnlyInIdle: boolean;
  /** Whether the next firmware arrives as a new enumeration (true) or answers on the same handle. */
  nextStageReenumerates: boolean;
  /** How long to wait for the next firmware (new enumeration, or first answer on the same handle). */
  nextStageTimeoutMs: number;
  /** Typical delay seen in logs, to tell "slow" from "never" in diagnosis; null if unknown. */
  nextStageTypicalMs: number | null;
  /** A reconnect inside the stage: MP2 TF-A detaches after the DDR FIP, initialises DDR, comes back. */
  midStageReconnect: { afterPhase: number; timeoutMs: number; typicalMs: number | null } | null;
  /** What a USB port reset right after DETACH does. Never reset U-Boot unless a reboot is wanted. */
  usbResetAfterDetach: 'starts-next-stage' | 'reboots-board' | 'unknown';
  /** Whether DNLOAD wValue must be the exact 0-based sequence (we always send it; for diagnosis). */
  strictBlockNumbers: boolean | null;
}

export type StageVariant = 'current' | 'legacy-tf-a';

export interface StageProfile {
  family: SocFamily;
  stage: StageId;
  variant: StageVariant;
  behaviour: StageBehaviour;
  /** Reason and source for every field. */
  why: { readonly [K in keyof StageBehaviour]: string };
}

const UBOOT_WHY: StageProfile['why'] = {
  fsblAltIndex: 'U-Boot has no FSBL alt of its own; an ID 0x01 layout line is an ordinary partition (§4.1).',
  transferSizeBytes: 'U-Boot functional descriptor: wTransferSize 4096 (§2.2, S5).',
  expectedPhases:
    'Layout stage: 0x00 only. Partition stage: layout IDs in ascending order, skipping unselected/E lines (S1).',
  downloadEnd: 'f_dfu reports MANIFEST then dfuIDLE once the deferred flush finished (§3.2, S5).',
  getPhase: 'stm32prog answers GetPhase on the 0xf1 alt and decides every step (§4.2, S2).',
  handover:
    'Layout stage: need-detach flag after the layout → DETACH → re-enumeration. Partition stage: 0xFE ends; a DETACH then leaves stm32prog without reset (§4.5, S2, S4).',
  detachOnlyInIdle:
    'U-Boot answers DETACH outside dfuIDLE with dfuERROR + STALL and does not detach (§3.2, failure #10).',
  nextStageReenumerates:
    'Layout stage: gadget unregistered, devices initialised, re-enumerated with partition alts (§1.1). Partition stage: nothing follows.',
  nextStageTimeoutMs:
    'P1 waits 30 s after the layout detach; "D" erases and GPT writes can take longer, so keep it a parameter (§1.1 timings, P1).',
  nextStageTypicalMs: 'No log gives the layout-detach → 2nd enumeration time; it scales with erases (§5.4).',
  midStageReconnect: 'None inside a U-Boot enumeration.',
  usbResetAfterDetach:
    'A bus reset after DETACH resets the whole board (dfu-util -R semantics; §3.2, S7, failure #11).',
  strictBlockNumbers: 'Wrong wValue → "Wrong sequence number", errUNKNOWN/dfuERROR (§3.2, S5).',
};

const UBOOT_LAYOUT: StageBehaviour = {
  fsblAltIndex: null,
  transferSizeBytes: 4096,
  expectedPhases: [PHASE.flashLayout],
  downloadEnd: 'idle',
  getPhase: 'drives-the-stage',
  handover: 'detach-when-get-phase-asks',
  detachOnlyInIdle: true,
  nextStageReenumerates: true,
  nextStageTimeoutMs: 30_000,
  nextStageTypicalMs: null,
  midStageReconnect: null,
  usbResetAfterDetach: 'reboots-board',
  strictBlockNumbers: true,
};

const UBOOT_PARTITIONS: StageBehaviour = {
  ...UBOOT_LAYOUT,
  expectedPhases: [],
  handover: 'optional-detach-at-end',
  nextStageReenumerates: false,
  nextStageTimeoutMs: 0,
};

const TFA_MP1_WHY: StageProfile['why'] = {
  fsblAltIndex: 'TF-A has no FSBL alt use; it is the FSBL (§1.1).',
  transferSizeBytes: 'TF-A functional descriptor: 1024 (§2.2, T3).',
  expectedPhases: 'Current TF-A loads only the FIP as phase 0x03 (T1, T5).',
  downloadEnd: 'TF-A reports 7 (bwPollTimeout 1 ms) then dfuIDLE after the ZLP (§3.3, T2; DH logs).',
  getPhase: 'GetPhase returns 0x03 then "0x00, 0xFFFFFFFF, need-detach 1" after the FIP (§4.2, T1).',
  handover: 'DETACH when GetPhase shows the need-detach flag (§1.1, T1, T2).',
  detachOnlyInIdle: 'TF-A accepts DETACH in any state (§3.3, T2).',
  nextStageReenumerates: 'TF-A soft-disconnects; U-Boot enumerates with its own descriptors (§1.2 step 6).',
  nextStageTimeoutMs: 'CubeProgrammer (F6) and P1 wait 30 s for U-Boot after the TF-A detach.',
  nextStageTypicalMs: 'F3 log: about 3.0 s from DETACH to U-Boot enumerated (MP15).',
  midStageReconnect: 'MP1 TF-A loads one FIP only.',
  usbResetAfterDetach: 'Not documented for TF-A on MP1; DETACH is the trigger.',
  strictBlockNumbers: 'TF-A ignores wValue (§3.3, T2).',
};

const TFA_MP1: StageBehaviour = {
  fsblAltIndex: null,
  transferSizeBytes: 1024,
  expectedPhases: [PHASE.ssbl],
  downloadEnd: 'idle',
  getPhase: 'drives-the-stage',
  handover: 'detach-when-get-phase-asks',
  detachOnlyInIdle: false,
  nextStageReenumerates: true,
  nextStageTimeoutMs: 30_000,
  nextStageTypicalMs: 3_000,
  midStageReconnect: null,
  usbResetAfterDetach: 'unknown',
  strictBlockNumbers: false,
};

const ROM_BASE: Omit<
  StageBehaviour,
  | 'fsblAltIndex'
  | 'downloadEnd'
  | 'handover'
  | 'nextStageReenumerates'
  | 'nextStageTypicalMs'
  | 'usbResetAfterDetach'
> = {
  transferSizeBytes: 1024,
  expectedPhases: [PHASE.fsbl],
  getPhase: 'not-needed',
  detachOnlyInIdle: false,
  nextStageTimeoutMs: 10_000,
  midStageReconnect: null,
  strictBlockNumbers: null,
};

const ROM_WHY_BASE = {
  transferSizeBytes: 'ROM wTransferSize 1024 (dfu-util "Device returned transfer size 1024", DH).',
  expectedPhases: 'The ROM only loads the FSBL (phase 0x01); hosts need no GetPhase for it (§4.3, P1).',
  getPhase: 'The ROM GetPhase reply is UNCERTAIN (§8 #1); the FSBL alt is known from the alt strings.',
  detachOnlyInIdle: 'ROM DETACH handling is not public; we send it after the download reached its end state.',
  midStageReconnect: 'The ROM loads one image.',
  strictBlockNumbers:
    'B1 starts at block 2 and works, so the ROM seems lenient; exact rule UNCERTAIN (§3.4).',
} as const;

export const STAGE_PROFILES: readonly StageProfile[] = [
  {
    family: 'stm32mp15',
    stage: 'rom',
    variant: 'current',
    behaviour: {
      ...ROM_BASE,
      fsblAltIndex: 1,
      downloadEnd: 'manifest',
      handover: 'none-rom-jumps-after-manifest',
      nextStageReenumerates: false,
      nextStageTypicalMs: null,
      usbResetAfterDetach: 'unknown',
    },
    why: {
      ...ROM_WHY_BASE,
      fsblAltIndex: 'MP15 ROM: `@FSBL /0x01/1*1Me` at alt 1 of 6 (§2.4, T3, DH).',
      downloadEnd:
        'After MANIFEST the MP15 ROM jumps to the FSBL; later answers come from TF-A (§1.2 step 3, §3.4, F4, F5).',
      handover: 'No DETACH on MP15: "not required for STM32MP15x lines ROM code" (W1).',
      nextStageReenumerates:
        'TF-A keeps the ROM USB configuration on MP15 (T3 "keep the configuration from ROM code").',
      nextStageTimeoutMs:
        'Our margin for TF-A to start answering on the same handle; no source gives a number.',
      nextStageTypicalMs: 'No log times the MP15 ROM → TF-A jump.',
      usbResetAfterDetach: 'Not needed on MP15; behaviour not documented.',
    },
  },
  {
    family: 'stm32mp13',
    stage: 'rom',
    variant: 'current',
    behaviour: {
      ...ROM_BASE,
      fsblAltIndex: 0,
      downloadEnd: 'idle',
      handover: 'detach-after-fsbl',
      nextStageReenumerates: true,
      nextStageTypicalMs: null,
      usbResetAfterDetach: 'starts-next-stage',
    },
    why: {
      ...ROM_WHY_BASE,
      fsblAltIndex: 'MP13 ROM: `@FSBL /0x01/1*128Ke` at alt 0 (§2.4, DH).',
      downloadEnd:
        'DH MP13 log: after the ZLP the ROM reports dfuMANIFEST then dfuIDLE; it then waits for DETACH.',
      handover: 'DFU_DETACH starts the FSBL on MP13 (W1; P1 runs `dfu-util -a 0 -e`).',
      nextStageReenumerates: 'TF-A re-enumerates with its own descriptors (§1.2 MP13 step 2, DH).',
      nextStageTimeoutMs: 'P1 waits 3 s for TF-A; 10 s leaves margin for slow hubs.',
      nextStageTypicalMs: 'No log times the MP13 ROM → TF-A re-enumeration.',
      usbResetAfterDetach: 'dfu-util -R (USB reset) also starts TF-A on MP13 (DH).',
    },
  },
  {
    family: 'stm32mp2',
    stage: 'rom',
    variant: 'current',
    behaviour: {
      ...ROM_BASE,
      fsblAltIndex: 0,
      downloadEnd: 'idle',
      handover: 'detach-after-fsbl',
      nextStageReenumerates: true,
      nextStageTypicalMs: 1_000,
      usbResetAfterDetach: 'starts-next-stage',
    },
    why: {
      ...ROM_WHY_BASE,
      fsblAltIndex:
        'MP25 ROM: `@FSBL /0x01/1*256Ke` at alt 0 (§2.4, DH). MP21/MP23 assumed identical (UNCERTAIN).',
      downloadEnd: 'DH MP25 log: dfuMANIFEST then dfuIDLE after the ZLP; the ROM then waits for DETACH.',
      handover: 'DFU_DETACH (or USB reset) starts the FSBL on MP2 (W1, DH, P1).',
      nextStageReenumerates: 'TF-A re-enumerates as `DFU @Device ID /0x505, …` (DH, F2).',
      nextStageTimeoutMs: 'P1 waits 3 s for TF-A; 10 s leaves margin.',
      nextStageTypicalMs: 'F2: TF-A enumerated within the same second as the ROM detach.',
      usbResetAfterDetach: 'DH uses dfu-util -R on the MP25 ROM.',
    },
  },
  { family: 'stm32mp15', stage: 'tf-a', variant: 'current', behaviour: TFA_MP1, why: TFA_MP1_WHY },
  {
    family: 'stm32mp15',
    stage: 'tf-a',
    variant: 'legacy-tf-a',
    behaviour: { ...TFA_MP1, expectedPhases: [PHASE.flashLayout, PHASE.ssbl] },
    why: {
      ...TFA_MP1_WHY,
      expectedPhases:
        'ST TF-A ≤ v2.4 asks for the layout first (GetPhase 0x00 at 0xC0000000, 9 bytes, no flag) and it must carry an STM32 header, to alt 0 `@Partition0` (§4.3, T9, T10).',
    },
  },
  {
    family: 'stm32mp13',
    stage: 'tf-a',
    variant: 'current',
    behaviour: TFA_MP1,
    why: {
      ...TFA_MP1_WHY,
      transferSizeBytes: 'TF-A MP13: 1024; alts `@SSBL /0x03/1*16Me`, `@virtual /0xF1/1*512Ba` (T3).',
    },
  },
  {
    family: 'stm32mp2',
    stage: 'tf-a',
    variant: 'current',
    behaviour: {
      ...TFA_MP1,
      expectedPhases: [PHASE.ddrFip, PHASE.ssbl],
      midStageReconnect: { afterPhase: PHASE.ddrFip, timeoutMs: 10_000, typicalMs: 1_000 },
      usbResetAfterDetach: 'starts-next-stage',
    },
    why: {
      ...TFA_MP1_WHY,
      transferSizeBytes:
        'TF-A MP2: 1024; alts `@DDR FIP /0x02/1*32Ke`, `@FIP /0x03/1*16Me`, `@virtual /0xF1/1*512Ba` (T4).',
      expectedPhases: 'MP2 TF-A loads the DDR firmware FIP (0x02) then the FIP (0x03) (T1, T4, T5).',
      midStageReconnect:
        'The USB loader runs twice: after 0x02 and the DETACH it disconnects, initialises DDR and reconnects with the same descriptors, about 1 s (T5, §1.1, §9.2).',
      usbResetAfterDetach: 'DH drives MP25 TF-A with dfu-util -R after each FIP.',
      nextStageTypicalMs: 'No MP2 log times TF-A → U-Boot; MP15 F3 shows about 3 s.',
    },
  },
  ...(['stm32mp15', 'stm32mp13', 'stm32mp2'] as const).flatMap((family): StageProfile[] => [
    { family, stage: 'u-boot-layout', variant: 'current', behaviour: UBOOT_LAYOUT, why: UBOOT_WHY },
    { family, stage: 'u-boot-partitions', variant: 'current', behaviour: UBOOT_PARTITIONS, why: UBOOT_WHY },
  ]),
];

export function getStageProfile(
  family: SocFamily,
  stage: StageId,
  variant: StageVariant = 'current',
): StageProfile {
  const profile = STAGE_PROFILES.find(
    (p) => p.family === family && p.stage === stage && p.variant === variant,
  );
  if (!profile) {
    throw new AppError('unknown-stage', `No behaviour profile for ${family} ${stage} (${variant}).`, {
      family,
      stage,
      variant,
    });
  }
  return profile;
}
