import type { FlashPhase, StageInfo } from './flash-event.js';

/** What a bench engineer calls each boot stage: the same words in the app and in the saved report. */
export function stageLabel(stage: StageInfo['stage'] | FlashPhase): string {
  switch (stage) {
    case 'rom':
      return 'ROM';
    case 'tfa':
      return 'TF-A';
    case 'uboot-layout':
      return 'U-Boot';
    case 'uboot-partitions':
      return 'U-Boot 2nd';
    case 'preflight':
      return 'Pre-flight';
    case 'done':
      return 'Done';
    default:
      return 'Unknown';
  }
}
