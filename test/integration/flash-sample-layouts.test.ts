import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedBus } from '../../main/sim/index.js';
import { flashOnSim, sampleLayout } from './helpers/sim-session.js';

let lastBus: SimulatedBus | null = null;
afterEach(async () => {
  await lastBus?.close();
  lastBus = null;
});

describe.each(['mp15', 'mp13', 'mp25'] as const)('a full flash of the %s sample layout', (soc) => {
  it('writes every partition byte for byte, with no protocol violation', async () => {
    const layoutPath = await sampleLayout(soc);
    const run = await flashOnSim({ layoutPath, soc });
    lastBus = run.bus;
    const outcome = run.events.at(-1)!;
    expect(outcome).toMatchObject({ type: 'outcome', ok: true, symptom: null });
    expect(run.result.ok).toBe(true);
    for (const partition of run.plan.partitions.filter((p) => p.status === 'program')) {
      const expected = new Uint8Array(await readFile(partition.file!.path));
      const stored = run.board.readPartition(partition.phaseId!, expected.length);
      expect(Buffer.compare(stored, expected), `${partition.name} on the board`).toBe(0);
    }
    expect(run.result.partitionsWritten).toBe(
      run.plan.partitions.filter((p) => p.status === 'program').length,
    );
    expect(run.bus.invariantViolations()).toEqual([]);
    expect(run.board.status()).toMatchObject({ done: true });
    const stages = run.events
      .filter((e) => e.type === 'stage')
      .map((e) => (e.type === 'stage' ? e.phase : ''));
    expect(stages).toEqual(
      soc === 'mp15'
        ? ['rom', 'tfa', 'uboot-layout', 'uboot-partitions', 'done']
        : soc === 'mp13'
          ? ['rom', 'tfa', 'uboot-layout', 'uboot-partitions', 'done']
          : ['rom', 'tfa', 'tfa', 'uboot-layout', 'uboot-partitions', 'done'],
    );
  });
});
