import type { ShiftCounters, UnitOutcome } from '../../shared/domain/station.js';

export function emptyCounters(since: string | null): ShiftCounters {
  return { passed: 0, failed: 0, refused: 0, interrupted: 0, cancelled: 0, yieldPercent: null, since };
}

/**
 * Yield counts flashed units only: a refused board was never flashed, a cancelled or interrupted one
 * was stopped by the station, not failed by the board.
 */
export function countOutcome(counters: ShiftCounters, outcome: UnitOutcome): ShiftCounters {
  const next = { ...counters };
  switch (outcome) {
    case 'pass':
      next.passed++;
      break;
    case 'fail':
      next.failed++;
      break;
    case 'refused':
      next.refused++;
      break;
    case 'interrupted':
      next.interrupted++;
      break;
    case 'cancelled':
      next.cancelled++;
      break;
  }
  const flashed = next.passed + next.failed;
  next.yieldPercent = flashed === 0 ? null : Math.round((next.passed / flashed) * 1000) / 10;
  return next;
}
