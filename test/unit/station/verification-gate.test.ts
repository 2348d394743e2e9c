import { describe, expect, it } from 'vitest';
import { VerificationGate } from '../../../main/station/verification-gate.js';

function deferred(): { promise: Promise<number>; resolve: (n: number) => void } {
  let resolve!: (n: number) => void;
  const promise = new Promise<number>((r) => (resolve = r));
  return { promise, resolve };
}

describe('verification gate', () => {
  it('shares one run among callers that arrive while it is pending, and runs again for later ones', async () => {
    const runs: ReturnType<typeof deferred>[] = [];
    const gate = new VerificationGate(() => {
      const run = deferred();
      runs.push(run);
      return run.promise;
    });
    const first = gate.verify();
    const during1 = gate.verify();
    const during2 = gate.verify();
    expect(runs).toHaveLength(1);
    runs[0]!.resolve(1);
    expect(await first).toBe(1);
    // the callers that came during run 1 get a run that started after they asked
    await Promise.resolve();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve(2);
    expect(await during1).toBe(2);
    expect(await during2).toBe(2);
    const later = gate.verify();
    expect(runs).toHaveLength(3);
    runs[2]!.resolve(3);
    expect(await later).toBe(3);
  });

  it('a failed run fails its callers only; the next caller gets a fresh run', async () => {
    let n = 0;
    const gate = new VerificationGate(() =>
      ++n === 1 ? Promise.reject(new Error('changed')) : Promise.resolve(n),
    );
    await expect(gate.verify()).rejects.toThrow('changed');
    expect(await gate.verify()).toBe(2);
  });
});
