import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../main/core/clock.js';
import { adminPinMatches, checkPinText, hashAdminPin } from '../../../main/station/admin-pin.js';
import type { PinAttempt } from '../../../main/station/pin-lock.js';
import { DEFAULT_PIN_LOCK_POLICY, PinLock } from '../../../main/station/pin-lock.js';
import { TEST_SCRYPT_COST } from './station-fixtures.js';

describe('admin PIN hashing', () => {
  it('stores a salted scrypt hash with its cost, never the PIN', async () => {
    const stored = await hashAdminPin('482916', TEST_SCRYPT_COST);
    expect(stored).toMatchObject({ kdf: 'scrypt', N: 16384, r: 8, p: 1, keyLengthBytes: 32 });
    expect(Buffer.from(stored.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(stored.hash, 'base64')).toHaveLength(32);
    expect(JSON.stringify(stored)).not.toContain('482916');
    expect(await adminPinMatches('482916', stored)).toBe(true);
    expect(await adminPinMatches('482917', stored)).toBe(false);
    expect(await adminPinMatches('', stored)).toBe(false);
  });

  it('uses a fresh salt per profile: the same PIN never gives the same hash', async () => {
    const [a, b] = await Promise.all([
      hashAdminPin('1234', TEST_SCRYPT_COST),
      hashAdminPin('1234', TEST_SCRYPT_COST),
    ]);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
  });

  it('reads the cost from the stored hash (a profile made with another cost still verifies)', async () => {
    const stored = await hashAdminPin('1234', { N: 2 ** 15, r: 4, p: 2, keyLengthBytes: 48 });
    expect(await adminPinMatches('1234', stored)).toBe(true);
  });

  it.each([
    ['123', /at least 4 characters/],
    [' 1234', /must not start or end with a space/],
    ['12\u000734', /control characters/],
    ['9'.repeat(65), /at most 64 characters/],
  ])('refuses the PIN %j with a specific message', async (pin, message) => {
    expect(() => checkPinText(pin)).toThrow(message);
    await expect(hashAdminPin(pin, TEST_SCRYPT_COST)).rejects.toThrow(message);
  });
});

describe('PIN lock rate limit', () => {
  async function lockWith(
    pin: string,
  ): Promise<{ lock: PinLock; clock: VirtualClock; attempts: PinAttempt[] }> {
    const clock = new VirtualClock();
    const attempts: PinAttempt[] = [];
    const lock = new PinLock(await hashAdminPin(pin, TEST_SCRYPT_COST), clock, (a) => attempts.push(a));
    return { lock, clock, attempts };
  }

  it('lets three wrong PINs through, then backs off exponentially, logging every attempt', async () => {
    const { lock, clock, attempts } = await lockWith('2468');
    expect(await lock.verify('0000')).toEqual({ ok: false, retryAfterMs: 0 });
    expect(await lock.verify('1111')).toEqual({ ok: false, retryAfterMs: 0 });
    expect(await lock.verify('2222', 'leave-operator-mode')).toEqual({ ok: false, retryAfterMs: 30_000 });
    // during the back-off even the right PIN is refused, without being checked
    clock.advance(10_000);
    expect(await lock.verify('2468')).toEqual({ ok: false, retryAfterMs: 20_000 });
    clock.advance(20_000);
    expect(await lock.verify('3333')).toEqual({ ok: false, retryAfterMs: 60_000 });
    clock.advance(60_000);
    expect(await lock.verify('4444')).toEqual({ ok: false, retryAfterMs: 120_000 });
    clock.advance(120_000);
    expect(await lock.verify('2468', 'clear-counters')).toEqual({ ok: true });
    expect(attempts.map((a) => `${a.action}:${a.outcome}:${a.failures}`)).toEqual([
      'check:refused:1',
      'check:refused:2',
      'leave-operator-mode:refused:3',
      'check:locked-out:3',
      'check:refused:4',
      'check:refused:5',
      'clear-counters:accepted:0',
    ]);
  });

  it('resumes the count and the wait a restart found in the records', async () => {
    const clock = new VirtualClock();
    const stored = await hashAdminPin('2468', TEST_SCRYPT_COST);
    const lock = new PinLock(stored, clock, () => undefined, DEFAULT_PIN_LOCK_POLICY, {
      failures: 4,
      retryAfterMs: 20_000,
    });
    // still waiting: even the right PIN is not checked
    expect(await lock.verify('2468')).toEqual({ ok: false, retryAfterMs: 20_000 });
    clock.advance(20_000);
    // the fifth wrong PIN in a row, not a first free one
    expect(await lock.verify('0000')).toEqual({ ok: false, retryAfterMs: 120_000 });
    // a wall clock set back while the station was off cannot stretch the wait past the policy
    const skewed = new PinLock(stored, clock, () => undefined, DEFAULT_PIN_LOCK_POLICY, {
      failures: 9,
      retryAfterMs: 24 * 3_600_000,
    });
    expect(skewed.retryAfterMs()).toBe(15 * 60_000);
  });

  it('a right PIN resets the count, and the wait is capped at 15 minutes', async () => {
    const { lock, clock } = await lockWith('2468');
    await lock.verify('0');
    await lock.verify('1');
    expect(await lock.verify('2468')).toEqual({ ok: true });
    expect(await lock.verify('2')).toEqual({ ok: false, retryAfterMs: 0 });
    let last = 0;
    for (let i = 0; i < 8; i++) {
      clock.advance(last);
      const result = await lock.verify(`x${i}`);
      last = result.ok ? 0 : result.retryAfterMs;
    }
    expect(last).toBe(15 * 60_000);
    expect(lock.retryAfterMs()).toBe(15 * 60_000);
  });

  it('serialises racing attempts so two keypads cannot both get a free guess', async () => {
    const { lock } = await lockWith('2468');
    const results = await Promise.all(['a1', 'a2', 'a3', '2468'].map((pin) => lock.verify(pin)));
    expect(results).toEqual([
      { ok: false, retryAfterMs: 0 },
      { ok: false, retryAfterMs: 0 },
      { ok: false, retryAfterMs: 30_000 },
      { ok: false, retryAfterMs: 30_000 },
    ]);
  });
});
