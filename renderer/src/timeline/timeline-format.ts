import type { GapResult, TimelineGap, TimelineIdentity } from '../../../shared/timeline/identity-timeline.js';
import { stageLabel } from '../../../shared/domain/stage-labels.js';
import { formatDuration } from '../app/format-units.js';

/** "ROM → TF-A" for MP15's ROM connection that hands over to TF-A without re-enumerating. */
export function identityTitle(identity: TimelineIdentity): string {
  const labels: string[] = [];
  for (const segment of identity.segments) {
    const label = stageLabel(segment.stage);
    if (labels[labels.length - 1] !== label) labels.push(label);
  }
  return labels.join(' → ') || stageLabel(identity.info.stage);
}

const GAP_RESULT_WORDS: Record<Exclude<GapResult, 'arrived'>, string> = {
  timeout: 'never came back',
  cancelled: 'cancelled',
  'wrong-board': 'another board came back',
  'board-reset': 'the board reset',
  inaccessible: 'came back, could not be opened',
  open: 'waiting',
};

/** The label over a gap: its duration, and what ended it when it was not the next stage. */
export function gapLabel(gap: TimelineGap): string {
  const duration = formatDuration(gap.endMs - gap.startMs);
  if (gap.result === 'arrived') return duration;
  return `${duration} · ${GAP_RESULT_WORDS[gap.result]}`;
}

export function isFailedGap(gap: TimelineGap): boolean {
  return gap.result !== 'arrived' && gap.result !== 'open' && gap.result !== 'cancelled';
}
