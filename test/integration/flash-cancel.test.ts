import { beforeAll, describe, expect, it } from 'vitest';
import type { FlashEvent } from '../../shared/domain/flash-event.js';
import type { SimSoc } from '../../main/sim/index.js';
import { flashOnSim, sampleLayout } from './helpers/sim-session.js';

const layouts = new Map<SimSoc, string>();
beforeAll(async () => {
  for (const soc of ['mp15', 'mp25'] as const) layouts.set(soc, await sampleLayout(soc, 2 * 1024 * 1024));
});

/** Points in a flash where a user may press Cancel. */
const CANCEL_POINTS: { name: string; when: (e: FlashEvent) => boolean }[] = [
  {
    name: 'while the FSBL downloads to the ROM',
    when: (e) => e.type === 'partition-progress' && e.phaseId === 0x01,
  },
  { name: 'when TF-A starts', when: (e) => e.type === 'stage' && e.phase === 'tfa' },
  { name: 'while waiting for U-Boot', when: (e) => e.type === 'wait-start' && e.after === 'after-fip' },
  { name: 'while the layout is sent', when: (e) => e.type === 'partition-start' && e.phaseId === 0x00 },
  {
    name: 'while waiting for the 2nd enumeration',
    when: (e) => e.type === 'wait-start' && e.after === 'after-layout',
  },
  {
    name: 'in the middle of the rootfs',
    when: (e) => e.type === 'partition-progress' && e.phaseId === 0x11 && e.bytesSent > 0,
  },
];

describe.each(['mp15', 'mp25'] as const)('cancel on %s', (soc) => {
  it.each(CANCEL_POINTS)(
    '$name: a "cancelled" outcome, the board in a known state, nothing left running',
    async ({ when }) => {
      const controller = new AbortController();
      let fired = false;
      const run = await flashOnSim({
        layoutPath: layouts.get(soc)!,
        soc,
        request: { signal: controller.signal },
        onEvent: (event) => {
          if (!fired && when(event)) {
            fired = true;
            controller.abort();
          }
        },
      });
      expect(fired).toBe(true);
      expect(run.result).toMatchObject({ ok: false, cancelled: true });
      expect(run.result.diagnosis?.symptom).toBe('cancelled');
      expect(run.events.at(-1)).toMatchObject({ type: 'outcome', cancelled: true, symptom: 'cancelled' });
      expect(run.bus.invariantViolations()).toEqual([]);
      // A board that was mid-download was ABORTed back to dfuIDLE, never left in DNLOAD-IDLE.
      const last = run.bus.transferLog().at(-1);
      if (last && last.request === 'ABORT') expect(last.outcome).toBe('ok');
      await run.bus.close();
      expect(run.clock.pendingTimers()).toBe(0);
    },
  );
});
