import { open } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StationEvent, StationSnapshot, UnitRecord } from '../../shared/domain/station.js';
import { applyStationEvent } from '../../shared/domain/station.js';
import { VirtualClock } from '../../main/core/clock.js';
import { parseJournal } from '../../main/session/journal/journal-reader.js';
import type { ScenarioInput, SimulatedBoard } from '../../main/sim/index.js';
import { SimulatedBus, createSimulatedBoard, simulatedHostFacts } from '../../main/sim/index.js';
import { StationEngine } from '../../main/station/station-engine.js';
import { readStationRecords } from '../../main/station/records/read-station-records.js';
import type { StationWorkspace } from '../unit/station/station-fixtures.js';
import { FOUR_SLOTS, TEST_PIN, makeStationWorkspace } from '../unit/station/station-fixtures.js';
import { readFile } from 'node:fs/promises';

interface Station {
  engine: StationEngine;
  bus: SimulatedBus;
  clock: VirtualClock;
  events: StationEvent[];
  /** The snapshot a kiosk would hold: the first snapshot with every event applied. */
  view: () => StationSnapshot;
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function openStation(workspace: StationWorkspace): Promise<Station> {
  const clock = new VirtualClock({ autoAdvance: true, startWall: new Date('2026-03-02T08:00:00.000Z') });
  const bus = new SimulatedBus({ clock });
  const engine = await StationEngine.open(
    { bus, clock, host: simulatedHostFacts(), appVersion: 'test', records: { isProcessAlive: () => false } },
    workspace.loaded,
  );
  cleanup.push(async () => {
    await engine.close();
    await bus.close();
  });
  const events: StationEvent[] = [];
  let view = engine.snapshot();
  engine.subscribe((event) => {
    events.push(event);
    view = applyStationEvent(view, event);
  });
  await engine.start();
  return { engine, bus, clock, events, view: () => view };
}

/** Resolves at the first station event after which `predicate` holds (no polling timers). */
function until(station: Station, predicate: (snapshot: StationSnapshot) => boolean): Promise<void> {
  if (predicate(station.engine.snapshot())) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = station.engine.subscribe(() => {
      if (!predicate(station.engine.snapshot())) return;
      unsubscribe();
      resolve();
    });
  });
}

function plugRound(
  station: Station,
  round: number,
  scenarios: Record<string, ScenarioInput> = {},
): SimulatedBoard[] {
  return FOUR_SLOTS.map((slot) => {
    const scenario = scenarios[slot.label];
    const board = createSimulatedBoard({
      soc: 'mp15',
      portPath: slot.portPath,
      label: `${slot.label}-r${round}`,
      ...(scenario ? { scenario } : {}),
    });
    station.bus.plug(board);
    return board;
  });
}

const allReady = (s: StationSnapshot): boolean => s.slots.every((slot) => slot.state === 'ready');

async function unitRecords(dir: string): Promise<UnitRecord[]> {
  const units: UnitRecord[] = [];
  for await (const line of readStationRecords(dir)) if (line.kind === 'unit') units.push(line);
  return units;
}

describe('station engine on 4 simulated slots', () => {
  it('flashes 4 slots in parallel, isolates a failing slot, ignores a non-slot board, 2 rounds', async () => {
    const workspace = await makeStationWorkspace();
    const station = await openStation(workspace);
    const { engine, bus } = station;

    // a bench board on a port that is not a slot: shown as a notice, never opened
    const stranger = createSimulatedBoard({ soc: 'mp15', portPath: '1-1.1', label: 'stranger' });
    bus.plug(stranger);
    const round1 = plugRound(station, 1, { C: 'uboot-no-reconnect' });
    await until(station, (s) => allReady(s) && s.unassigned.length === 1);
    expect(station.view().unassigned).toHaveLength(1);
    expect(station.view().unassigned[0]).toMatchObject({ portPath: '1-1.1', serial: stranger.serial });
    expect(station.view().unassigned[0]!.sentence).toMatch(/not a slot of this station/);

    const started = await engine.startAll();
    expect(started).toEqual({ started: ['A', 'B', 'C', 'D'], blocked: null });
    await engine.whenIdle();

    const view = station.view();
    expect(view).toEqual(engine.snapshot());
    expect(view.slots.map((s) => s.state)).toEqual(['pass', 'pass', 'fail', 'pass']);
    const failed = view.slots[2]!;
    expect(failed.state === 'fail' && failed.result).toMatchObject({
      outcome: 'fail',
      symptom: 'no-reenumeration',
      sentence: 'The board did not come back during flashing; set it aside for an engineer.',
    });
    expect(view.counters).toMatchObject({ passed: 3, failed: 1, yieldPercent: 75 });

    // parallel: every unit started before the first one ended
    const records1 = await unitRecords(workspace.loaded.recordsDir);
    expect(records1).toHaveLength(4);
    const firstEnd = Math.min(...records1.map((r) => Date.parse(r.endedAt)));
    expect(records1.every((r) => Date.parse(r.startedAt) < firstEnd)).toBe(true);
    for (const [index, record] of records1.entries()) {
      const board = round1.find((b) => b.portPath === record.portPath)!;
      expect(record).toMatchObject({
        slot: FOUR_SLOTS.find((s) => s.portPath === record.portPath)!.label,
        serial: board.serial,
        soc: 'mp15',
        profileSha256: workspace.loaded.profileSha256,
        layoutSha256: workspace.loaded.profile.layout.sha256,
        station: 'sim-station',
      });
      expect(record.durationMs).toBeGreaterThan(0);
      const journal = parseJournal(
        await readFile(path.join(workspace.loaded.recordsDir, record.journalPath!), 'utf8'),
      );
      expect(journal.events.at(-1), `journal ${index}`).toMatchObject({
        type: 'outcome',
        ok: record.outcome === 'pass',
      });
    }
    expect(round1.filter((b) => b.label !== 'C-r1').every((b) => b.status().done)).toBe(true);
    expect(stranger.transferLog()).toEqual([]);
    expect(bus.invariantViolations()).toEqual([]);

    // round 2: the operator swaps the four units
    for (const board of round1) bus.unplug(board);
    await until(station, (s) => s.slots.every((slot) => slot.board?.present === false));
    expect(station.view().slots.map((s) => s.state)).toEqual(['pass', 'pass', 'fail', 'pass']);
    const round2 = plugRound(station, 2);
    await until(station, allReady);
    expect((await engine.startAll()).started).toHaveLength(4);
    await engine.whenIdle();
    expect(station.view().slots.map((s) => s.state)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(station.view().counters).toMatchObject({ passed: 7, failed: 1, yieldPercent: 87.5 });
    expect(round2.every((b) => b.status().done)).toBe(true);
    expect(stranger.transferLog()).toEqual([]);

    const records = await unitRecords(workspace.loaded.recordsDir);
    expect(records).toHaveLength(8);
    expect(records.filter((r) => r.outcome === 'pass')).toHaveLength(7);
    expect(new Set(records.map((r) => r.serial)).size).toBe(8);
    // every in-flight marker is resolved
    const markers: string[] = [];
    for await (const line of readStationRecords(workspace.loaded.recordsDir))
      if (line.kind === 'in-flight') markers.push(line.unitId);
    expect(markers.sort()).toEqual(records.map((r) => r.unitId).sort());
    expect(
      station.events.some((e) => e.type === 'slot' && e.slot.state === 'flashing' && e.slot.percent > 0),
    ).toBe(true);
  });

  it('auto-start: a board that reboots after its failure is not flashed again; the next unit is', async () => {
    const workspace = await makeStationWorkspace({ request: { autoStart: true } });
    const station = await openStation(workspace);
    const { bus } = station;
    // write-error: U-Boot reports the error, the host detaches, the board resets to the ROM on the same port
    const faulty = createSimulatedBoard({ soc: 'mp15', portPath: '1-2', scenario: 'write-error' });
    bus.plug(faulty);
    await until(station, (s) => s.slots[0]!.state === 'fail');
    await station.engine.whenIdle();
    await until(station, (s) => s.slots[0]!.board?.present === true);
    await station.clock.sleep(60_000);
    expect(station.engine.snapshot().slots[0]).toMatchObject({
      state: 'fail',
      board: { present: true, serial: faulty.serial },
    });
    expect((await unitRecords(workspace.loaded.recordsDir)).map((r) => r.outcome)).toEqual(['fail']);

    bus.unplug(faulty);
    const next = createSimulatedBoard({ soc: 'mp15', portPath: '1-2' });
    bus.plug(next);
    await until(station, (s) => s.slots[0]!.state === 'pass');
    expect((await unitRecords(workspace.loaded.recordsDir)).map((r) => [r.outcome, r.serial])).toEqual([
      ['fail', faulty.serial],
      ['pass', next.serial],
    ]);
  });

  it('refuses a board whose serial does not match and never opens it', async () => {
    const workspace = await makeStationWorkspace({
      request: { serialPattern: '00AB[0-9A-F]{20}', autoStart: true },
    });
    const station = await openStation(workspace);
    const board = createSimulatedBoard({ soc: 'mp15', portPath: '1-3', serial: 'FFFF00CD1234567890ABCDEF' });
    station.bus.plug(board);
    await until(station, (s) => s.counters.refused === 1);
    expect(station.engine.snapshot().slots[1]).toMatchObject({
      state: 'refused',
      reason: 'serial-pattern',
      sentence:
        'Serial number FFFF00CD1234567890ABCDEF is not one this station may flash; take the board out.',
    });
    expect(await station.engine.startAll()).toEqual({ started: [], blocked: null });
    expect(board.transferLog()).toEqual([]);
    expect(await unitRecords(workspace.loaded.recordsDir)).toEqual([
      expect.objectContaining({
        outcome: 'refused',
        refusal: 'serial-pattern',
        serial: board.serial,
        durationMs: null,
      }),
    ]);
  });

  it('re-hashes before every round and refuses an edited binary, touching no board', async () => {
    const workspace = await makeStationWorkspace();
    const station = await openStation(workspace);
    const boards = plugRound(station, 1);
    await until(station, allReady);
    const fip = workspace.loaded.binaries.find((b) => b.path.includes('fip'))!;
    const handle = await open(fip.path, 'r+');
    await handle.write(Buffer.from('x'), 0, 1, 2000);
    await handle.close();
    const result = await station.engine.startAll();
    expect(result.started).toEqual([]);
    expect(result.blocked?.code).toBe('station-file-changed');
    expect(result.blocked?.message).toContain(
      `${fip.path} has changed since the station profile was made: expected sha256 ${fip.sha256}`,
    );
    expect(station.view().blocked).toEqual(result.blocked);
    expect(station.view().slots.map((s) => s.state)).toEqual(['ready', 'ready', 'ready', 'ready']);
    expect(boards.every((b) => b.transferLog().length === 0)).toBe(true);
  });

  it('clears the counters only with the admin PIN, logging the attempts', async () => {
    const workspace = await makeStationWorkspace();
    const station = await openStation(workspace);
    expect(await station.engine.clearCounters('0000')).toEqual({ ok: false, retryAfterMs: 0 });
    expect(await station.engine.clearCounters(TEST_PIN)).toEqual({ ok: true });
    expect(station.view().counters.since).toBe('2026-03-02T08:00:00.000Z');
    const audit: string[] = [];
    for await (const line of readStationRecords(workspace.loaded.recordsDir))
      if (line.kind === 'audit') audit.push(`${line.event}:${line.action ?? ''}`);
    expect(audit).toEqual([
      'station-started:',
      'pin-refused:clear-counters',
      'pin-accepted:clear-counters',
      'counters-cleared:clear-counters',
    ]);
  });

  it('keeps the PIN back-off across a restart: a restart buys no fresh guesses', async () => {
    const workspace = await makeStationWorkspace();
    const deps = (startWall: string) => {
      const clock = new VirtualClock({ autoAdvance: true, startWall: new Date(startWall) });
      return {
        bus: new SimulatedBus({ clock }),
        clock,
        host: simulatedHostFacts(),
        appVersion: 'test',
        records: { isProcessAlive: () => false },
      };
    };
    const firstDeps = deps('2026-03-02T08:00:00.000Z');
    const first = await StationEngine.open(firstDeps, workspace.loaded);
    for (const wrong of ['0000', '1111']) expect((await first.authorize('check', wrong)).ok).toBe(false);
    expect(await first.authorize('check', '2222')).toEqual({ ok: false, retryAfterMs: 30_000 });
    await first.close();
    await firstDeps.bus.close();

    // 10 s later (wall clock), a fresh process: 20 s of the wait are left, the right PIN included
    const secondDeps = deps('2026-03-02T08:00:10.000Z');
    const second = await StationEngine.open(secondDeps, workspace.loaded);
    cleanup.push(async () => {
      await second.close();
      await secondDeps.bus.close();
    });
    expect(await second.authorize('leave-operator-mode', TEST_PIN)).toEqual({
      ok: false,
      retryAfterMs: 20_000,
    });
  });
});
