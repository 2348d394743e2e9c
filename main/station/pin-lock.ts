import type { LockAction, PinCheckResult } from '../../shared/domain/station.js';
import type { Clock } from '../core/clock.js';
import type { AdminPinHash } from './admin-pin.js';
import { adminPinMatches } from './admin-pin.js';

export interface PinLockPolicy {
  /** Wrong PINs allowed before the back-off starts. */
  freeAttempts: number;
  /** Wait after the first failure beyond the free ones; doubles with each further failure. */
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_PIN_LOCK_POLICY: PinLockPolicy = {
  freeAttempts: 3,
  baseBackoffMs: 30_000,
  maxBackoffMs: 15 * 60_000,
};

export type PinAttemptOutcome = 'accepted' | 'refused' | 'locked-out';

export interface PinAttempt {
  action: LockAction;
  outcome: PinAttemptOutcome;
  /** Consecutive wrong PINs after this attempt. */
  failures: number;
  retryAfterMs: number;
}

/** Where a PIN lock starts: the state the last run left in the records (see StationRecords). */
export interface PinLockResume {
  failures: number;
  /** Time still to wait before a PIN is checked. */
  retryAfterMs: number;
}

/**
 * The admin PIN behind operator mode. After `freeAttempts` wrong PINs in a row every further wrong
 * PIN doubles the wait (30 s, 1 min, 2 min … 15 min); during the wait no PIN is even checked, so
 * guessing costs wall time, not just CPU. A right PIN resets the count. Attempts are serialised so
 * two keypads racing cannot both get a free guess. `resume` carries the count and the wait across a
 * restart, so restarting the app (or the PC) does not buy fresh guesses.
 */
export class PinLock {
  private failures = 0;
  private lockedUntilMs = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly stored: AdminPinHash,
    private readonly clock: Clock,
    private readonly onAttempt: (attempt: PinAttempt) => void = () => undefined,
    private readonly policy: PinLockPolicy = DEFAULT_PIN_LOCK_POLICY,
    resume: PinLockResume | null = null,
  ) {
    if (resume) {
      this.failures = resume.failures;
      // A wall clock set back while the station was off must not stretch the wait past the policy.
      const waitMs = Math.min(Math.max(0, resume.retryAfterMs), policy.maxBackoffMs);
      this.lockedUntilMs = waitMs > 0 ? clock.nowMs() + waitMs : 0;
    }
  }

  verify(pin: string, action: LockAction = 'check'): Promise<PinCheckResult> {
    const next = this.chain.then(() => this.attempt(pin, action));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Milliseconds until a PIN will be checked again; 0 when it would be now. */
  retryAfterMs(): number {
    return Math.max(0, this.lockedUntilMs - this.clock.nowMs());
  }

  private async attempt(pin: string, action: LockAction): Promise<PinCheckResult> {
    const waitMs = this.retryAfterMs();
    if (waitMs > 0) {
      this.onAttempt({ action, outcome: 'locked-out', failures: this.failures, retryAfterMs: waitMs });
      return { ok: false, retryAfterMs: waitMs };
    }
    if (await adminPinMatches(pin, this.stored)) {
      this.failures = 0;
      this.lockedUntilMs = 0;
      this.onAttempt({ action, outcome: 'accepted', failures: 0, retryAfterMs: 0 });
      return { ok: true };
    }
    this.failures++;
    const beyond = this.failures - this.policy.freeAttempts;
    const backoffMs =
      beyond < 0 ? 0 : Math.min(this.policy.maxBackoffMs, this.policy.baseBackoffMs * 2 ** beyond);
    this.lockedUntilMs = this.clock.nowMs() + backoffMs;
    this.onAttempt({ action, outcome: 'refused', failures: this.failures, retryAfterMs: backoffMs });
    return { ok: false, retryAfterMs: backoffMs };
  }
}
