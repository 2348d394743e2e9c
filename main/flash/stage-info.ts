import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import type { BootStage, SocId, StageInfo } from '../../shared/domain/flash-event.js';
import type { SocFamily, StageDetection } from '../stm32mp/stage-detect.js';
import { detectStage } from '../stm32mp/stage-detect.js';

const STAGE: Record<StageDetection['stage'], BootStage | 'unknown'> = {
  rom: 'rom',
  'tf-a': 'tfa',
  'u-boot-layout': 'uboot-layout',
  'u-boot-partitions': 'uboot-partitions',
  unknown: 'unknown',
};

const SOC: Record<SocFamily, SocId> = { stm32mp15: 'mp15', stm32mp13: 'mp13', stm32mp2: 'mp25' };

/** The ST layer's reading of an identity, in the event stream's vocabulary. */
export function stageInfoOf(identity: BoardIdentity): StageInfo {
  const detection = detectStage(identity);
  return {
    stage: STAGE[detection.stage],
    soc: detection.family ? SOC[detection.family] : null,
    deviceId: detection.deviceId,
    revisionId: detection.revisionId,
    socName: detection.socName,
  };
}
