import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../shared/domain/diagnosis.js';
import type { FaultScenarioId, SimSoc, SimulatedBus } from '../../main/sim/index.js';
import { flashOnSim, sampleLayout } from './helpers/sim-session.js';

let lastBus: SimulatedBus | null = null;
afterEach(async () => {
  await lastBus?.close();
  lastBus = null;
});

const layouts = new Map<SimSoc, string>();
beforeAll(async () => {
  for (const soc of ['mp15', 'mp13', 'mp25'] as const) layouts.set(soc, await sampleLayout(soc, 512 * 1024));
});

interface Expectation {
  soc?: SimSoc;
  symptom: Diagnosis['symptom'];
  variant?: string;
  firstCause?: string;
  causes?: string[];
  evidence?: RegExp;
  ok?: boolean;
}

const EXPECTED: Record<FaultScenarioId, Expectation> = {
  'uboot-no-reconnect': {
    symptom: 'no-reenumeration',
    variant: 'after-fip',
    firstCause: 'uboot-otg-setup',
    evidence: /port 1-2/,
  },
  'vm-filter': {
    symptom: 'no-reenumeration',
    variant: 'after-fip',
    firstCause: 'vm-usb-filter',
    evidence: /virtual machine/,
  },
  'tfa-auth-fail': {
    symptom: 'no-reenumeration',
    variant: 'after-fip',
    causes: ['tfa-auth-failure', 'uboot-otg-setup'],
  },
  'tfa-crash': { soc: 'mp13', symptom: 'no-reenumeration', variant: 'after-fsbl', causes: ['tfa-panic'] },
  'fsbl-rejected': { symptom: 'fsbl-rejected', firstCause: 'fsbl-image-invalid' },
  'layout-rejected': { symptom: 'layout-rejected', firstCause: 'layout-content' },
  'write-error': { symptom: 'partition-write-failed', causes: ['storage-medium'] },
  unplug: { symptom: 'device-unplugged', firstCause: 'cable-or-hub' },
  'slow-reconnect': { symptom: 'cancelled', ok: true },
  'serial-change': { symptom: 'different-board', firstCause: 'hub-renumbering', evidence: /serial/ },
  'permission-denied': { symptom: 'reenumerated-inaccessible', firstCause: 'host-permissions' },
  'second-board': { symptom: 'cancelled', ok: true },
};

describe('every fault scenario ends with the right symptom and leaves nothing running', () => {
  it.each(Object.keys(EXPECTED) as FaultScenarioId[])('%s', async (scenario) => {
    const expected = EXPECTED[scenario];
    const soc = expected.soc ?? 'mp15';
    const run = await flashOnSim({ layoutPath: layouts.get(soc)!, soc, scenario });
    lastBus = run.bus;
    const outcome = run.events.at(-1)!;
    expect(outcome.type).toBe('outcome');
    if (expected.ok) {
      // Scenarios the host must ride through: a late U-Boot, another board plugged in meanwhile.
      expect(run.result.ok, JSON.stringify(run.result.diagnosis)).toBe(true);
    } else {
      expect(run.result.ok).toBe(false);
      const diagnosis = run.result.diagnosis!;
      expect(diagnosis.symptom).toBe(expected.symptom);
      if (expected.variant) expect(diagnosis.variant).toBe(expected.variant);
      if (expected.firstCause) expect(diagnosis.causes[0]?.id).toBe(expected.firstCause);
      for (const cause of expected.causes ?? []) expect(diagnosis.causes.map((c) => c.id)).toContain(cause);
      if (expected.evidence)
        expect([...diagnosis.evidence, ...diagnosis.causes.flatMap((c) => c.evidence)].join('\n')).toMatch(
          expected.evidence,
        );
      for (const cause of diagnosis.causes) expect(cause.checks.length).toBeGreaterThan(0);
    }
    // The host never talked to a device that had left, never broke the DFU state machines.
    expect(run.bus.invariantViolations()).toEqual([]);
  });

  it('never touches the second board', async () => {
    const run = await flashOnSim({ layoutPath: layouts.get('mp15')!, soc: 'mp15', scenario: 'second-board' });
    lastBus = run.bus;
    const others = run.events.filter((e) => e.type === 'identity' && e.role === 'other');
    expect(others.length).toBeGreaterThan(0);
    const otherIds = new Set(others.map((e) => (e.type === 'identity' ? e.identity.connectionId : '')));
    const touched = run.bus.transferLog().filter((entry) => otherIds.has(entry.connectionId));
    expect(touched).toEqual([]);
  });

  it('names the U-Boot text and the .tsv line when the layout is refused', async () => {
    const run = await flashOnSim({
      layoutPath: layouts.get('mp15')!,
      soc: 'mp15',
      scenario: { id: 'layout-rejected', message: "Layout line 5: invalid offset 'zz'" },
    });
    lastBus = run.bus;
    const diagnosis = run.result.diagnosis!;
    expect(diagnosis.deviceText).toBe("Layout line 5: invalid offset 'zz'");
    // normalized line 5 is the 6th line of the sample (the header comment is line 1)
    expect(diagnosis.layoutLine).toBe(6);
  });

  it('puts the exact VirtualBox filter in the checks of a VM failure', async () => {
    const run = await flashOnSim({
      layoutPath: layouts.get('mp15')!,
      soc: 'mp15',
      scenario: { id: 'vm-filter', vm: 'virtualbox' },
    });
    lastBus = run.bus;
    expect(run.result.diagnosis!.causes[0]!.checks.join('\n')).toMatch(
      /VBoxManage usbfilter add .*--vendorid 0483 --productid df11/,
    );
    expect(run.events.some((e) => e.type === 'preflight' && e.code === 'host-is-vm')).toBe(true);
  });
});
