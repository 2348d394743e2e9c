import { describe, expect, it } from 'vitest';
import { TransferLog } from '../../../main/sim/transfer-log.js';

function logRequests(log: TransferLog, count: number): void {
  for (let i = 0; i < count; i++) {
    const entry = log.begin({
      connectionId: 'c1',
      stage: 'uboot-flash',
      kind: 'control-out',
      setup: null,
      request: 'DNLOAD',
      lengthBytes: 4096,
    });
    log.finish(entry, 'ok');
  }
}

describe('TransferLog', () => {
  it('keeps every request by default', () => {
    const log = new TransferLog(() => 0);
    logRequests(log, 5000);
    expect(log.entries()).toHaveLength(5000);
    expect(log.droppedCount()).toBe(0);
  });

  it('with a limit keeps between limit and twice the limit, newest last, and counts what it dropped', () => {
    const log = new TransferLog(() => 0, 100);
    for (const total of [99, 100, 199, 200, 1000, 12_345]) {
      const fresh = new TransferLog(() => 0, 100);
      logRequests(fresh, total);
      const kept = fresh.entries();
      expect(kept.length).toBeLessThan(200);
      expect(kept.length).toBeGreaterThanOrEqual(Math.min(total, 100));
      expect(kept.at(-1)!.seq).toBe(total);
      expect(kept[0]!.seq).toBe(fresh.droppedCount() + 1);
      expect(fresh.droppedCount() + kept.length).toBe(total);
    }
    logRequests(log, 10);
    expect(log.entries()).toHaveLength(10);
  });
});
