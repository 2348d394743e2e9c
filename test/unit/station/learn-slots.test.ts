import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../main/core/clock.js';
import { SimulatedBus, createSimulatedBoard } from '../../../main/sim/index.js';
import type { LearnStep } from '../../../main/station/learn-slots.js';
import { learnSlots } from '../../../main/station/learn-slots.js';

describe('learn slots', () => {
  it('takes the port of each newly appearing board for the next label, ignoring boards already there', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    const bus = new SimulatedBus({ clock });
    bus.plug(createSimulatedBoard({ soc: 'mp15', portPath: '1-7' })); // the bench board already there
    await clock.sleep(5_000);
    const ports = ['1-1.3', '1-1.1', '1-1.4'];
    const steps: LearnStep[] = [];
    const learned = await learnSlots({
      bus,
      clock,
      labels: ['A', 'B', 'C'],
      timeoutMs: 60_000,
      onStep: (step) => {
        steps.push(step);
        if (step.type === 'waiting')
          bus.plug(createSimulatedBoard({ soc: 'mp13', portPath: ports[step.index]! }));
      },
    });
    expect(learned.map((s) => `${s.label}=${s.portPath}`)).toEqual(['A=1-1.3', 'B=1-1.1', 'C=1-1.4']);
    expect(steps.map((s) => s.type)).toEqual([
      'waiting',
      'learned',
      'waiting',
      'learned',
      'waiting',
      'learned',
    ]);
    await bus.close();
  });

  it('times out with the slot it was waiting for', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    const bus = new SimulatedBus({ clock });
    await expect(
      learnSlots({
        bus,
        clock,
        labels: ['A', 'B'],
        timeoutMs: 30_000,
        onStep: (step) => {
          if (step.type === 'waiting' && step.label === 'A')
            bus.plug(createSimulatedBoard({ soc: 'mp15', portPath: '1-2' }));
        },
      }),
    ).rejects.toMatchObject({ code: 'timeout', message: 'No new board appeared for slot B within 30 s.' });
    await bus.close();
  });
});
