import type { FlashingStage, SlotCard } from '../../../shared/domain/station.js';

/** Operator words for what a flashing slot is doing, readable from across the bench. */
const STAGE_WORDS: Record<FlashingStage, string> = {
  verifying: 'Checking files',
  waiting: 'Waiting for board',
  preflight: 'Starting',
  rom: 'Loading boot image',
  tfa: 'Loading firmware',
  'uboot-layout': 'Sending layout',
  'uboot-partitions': 'Writing',
  done: 'Finishing',
};

export function stageWords(stage: FlashingStage, partition: string | null): string {
  const words = STAGE_WORDS[stage];
  return partition && stage === 'uboot-partitions' ? `${words} ${partition}` : words;
}

export function stateWords(card: SlotCard): string {
  switch (card.state) {
    case 'empty':
      return 'Empty';
    case 'ready':
      return 'Ready';
    case 'flashing':
      return 'Flashing';
    case 'pass':
      return 'PASS';
    case 'fail':
      return 'FAIL';
    case 'refused':
      return 'Refused';
  }
}

/** "Try again in 30 s" / "in 2 min": the back-off an operator waits before the next PIN attempt. */
export function retryWords(retryAfterMs: number): string {
  const seconds = Math.ceil(retryAfterMs / 1000);
  if (seconds <= 0) return 'Wrong PIN. Try again.';
  if (seconds < 120) return `Wrong PIN. Try again in ${seconds} s.`;
  return `Wrong PIN. Try again in ${Math.ceil(seconds / 60)} min.`;
}

export function yieldWords(yieldPercent: number | null): string {
  if (yieldPercent === null) return '—';
  return `${Number.isInteger(yieldPercent) ? yieldPercent : yieldPercent.toFixed(1)} %`;
}
