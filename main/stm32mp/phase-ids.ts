/**
 * ST "phase" IDs: the one-byte partition IDs of the STM32CubeProgrammer protocol (protocol §4.1).
 * The same number appears in a layout line, an alt string (`/0x03/`) and a GetPhase reply.
 */
export const PHASE = {
  flashLayout: 0x00,
  fsbl: 0x01,
  /** MP2 TF-A: DDR firmware FIP. On the MP15 ROM the alt "Partition2". */
  ddrFip: 0x02,
  /** SSBL: the FIP (current TF-A) or u-boot.stm32 (TF-A ≤ v2.2). */
  ssbl: 0x03,
  firstBootPartition: 0x04,
  lastBootPartition: 0x0f,
  firstUserPartition: 0x10,
  lastUserPartition: 0xf0,
  /** The virtual command alt: GetPhase (UPLOAD) and the phase command (DNLOAD). */
  command: 0xf1,
  otp: 0xf2,
  ssp: 0xf3,
  pmic: 0xf4,
  end: 0xfe,
  /** Error/reset: the GetPhase reply carries the device's message; the device resets on DETACH. */
  reset: 0xff,
} as const;

export function formatPhaseId(phaseId: number): string {
  return `0x${phaseId.toString(16).padStart(2, '0')}`;
}

export function phaseName(phaseId: number): string {
  switch (phaseId) {
    case PHASE.flashLayout:
      return 'FlashLayout';
    case PHASE.fsbl:
      return 'FSBL';
    case PHASE.ddrFip:
      return 'DDR FIP';
    case PHASE.ssbl:
      return 'SSBL (FIP)';
    case PHASE.command:
      return 'virtual (command)';
    case PHASE.otp:
      return 'OTP';
    case PHASE.ssp:
      return 'SSP';
    case PHASE.pmic:
      return 'PMIC NVM';
    case PHASE.end:
      return 'END';
    case PHASE.reset:
      return 'RESET/ERROR';
  }
  if (phaseId >= PHASE.firstBootPartition && phaseId <= PHASE.lastBootPartition) {
    return `boot partition ${formatPhaseId(phaseId)}`;
  }
  if (phaseId >= PHASE.firstUserPartition && phaseId <= PHASE.lastUserPartition) {
    return `user partition ${formatPhaseId(phaseId)}`;
  }
  return `reserved ${formatPhaseId(phaseId)}`;
}

/** IDs that name a partition to download in a layout (0x01–0xF0). */
export function isPartitionPhase(phaseId: number): boolean {
  return phaseId >= PHASE.fsbl && phaseId <= PHASE.lastUserPartition;
}
