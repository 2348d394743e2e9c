import type { Command } from 'commander';
import path from 'node:path';
import type { HostFacts } from '../../../shared/domain/host-facts.js';
import type { UnitRecord } from '../../../shared/domain/station.js';
import { AppError, isAppError } from '../../core/app-error.js';
import type { Clock } from '../../core/clock.js';
import { VirtualClock, systemClock } from '../../core/clock.js';
import { probeHostFacts } from '../../host/probe-host-facts.js';
import { appPackageVersion } from '../../host/versions.js';
import { SimulatedBus, simulatedHostFacts } from '../../sim/index.js';
import { StationEngine } from '../../station/station-engine.js';
import { loadStationProfile } from '../../station/load-station-profile.js';
import type { RoundUnit } from '../../station/station-rounds.js';
import { runStationRounds } from '../../station/station-rounds.js';
import type { UsbBus } from '../../transport/usb-transport.js';
import { createUsbBackend } from '../../usb/usb-backend.js';
import { parseSimSpeed } from '../cli-bus.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../run-cli.js';
import { StationSim, parseSlotScenarios, parseStationSimSpec } from './station-sim.js';

interface StationRunOptions {
  sim?: string;
  simScenario: string[];
  simSpeed: string;
  rounds: string;
  wait: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * `stm32mp-flash station [run] <profile> [--sim <n>[:<soc>]] [--sim-scenario <slot>=<scenario>] [--rounds <n>] [--json]`
 * The station engine without a window: one outcome per slot and round. Exit 0 every unit passed,
 * 3 any unit failed or was refused, 2 bad input (bad profile, an edited pinned file, …).
 */
export function registerStationRunCommand(station: Command, io: CliIo, run: CommandRun): void {
  station
    .command('run <profile>', { isDefault: true })
    .description('run a station profile headless: flash every slot, one outcome per slot and round')
    .option(
      '--sim <n[:soc]>',
      "plug n simulated boards into the profile's first n slots (fresh ones each round)",
    )
    .option(
      '--sim-scenario <slot=scenario>',
      'give a simulated slot a fault scenario, e.g. B=uboot-no-reconnect',
      collect,
      [],
    )
    .option(
      '--sim-speed <factor>',
      'simulated speed: 0 = virtual time (no waiting, the default), 1 = real, 10 = ten times faster',
      '0',
    )
    .option('--rounds <n>', 'rounds to run (a round: boards in, every slot flashed, boards out)', '1')
    .option('--wait <seconds>', 'real jig: how long a round waits for a board in every slot', '60')
    .option('--json', 'one JSON line per slot and round, then a summary line')
    .action(async (profileArg: string, options: StationRunOptions) => {
      const loaded = await loadStationProfile(
        path.resolve(io.cwd, profileArg),
        io.signal ? { signal: io.signal } : {},
      );
      const rounds = positiveInt('--rounds', options.rounds, 10_000);
      const waitSeconds = positiveInt('--wait', options.wait, 24 * 3600);
      const slots = loaded.profile.slots;
      const sim = options.sim ? parseStationSimSpec(options.sim, slots.length) : null;
      if (!sim && options.simScenario.length > 0)
        throw new AppError(
          'bad-input',
          '--sim-scenario needs --sim <n>: scenarios apply to simulated boards.',
        );
      const simSlots = sim ? slots.slice(0, sim.count) : [];
      const scenarios = parseSlotScenarios(
        options.simScenario,
        simSlots.map((slot) => slot.label),
      );
      const timeScale = parseSimSpeed(options.simSpeed);

      let clock: Clock = systemClock;
      let bus: UsbBus;
      let host: HostFacts;
      let stationSim: StationSim | null = null;
      if (sim) {
        // virtual time: waits and timeouts (a 30 s reconnect timeout) take no real time, and records
        // carry the durations a real board would have taken
        clock =
          timeScale === 0 ? new VirtualClock({ autoAdvance: true, startWall: new Date() }) : systemClock;
        const simBus = new SimulatedBus({ clock });
        stationSim = new StationSim(
          simBus,
          simSlots,
          sim.soc ?? loaded.profile.soc,
          scenarios,
          timeScale === 0 ? 1 : timeScale,
        );
        bus = simBus;
        host = simulatedHostFacts([...scenarios.values()]);
      } else {
        bus = createUsbBackend({ clock });
        host = await probeHostFacts();
      }
      const note = (text: string): void => (options.json ? io.stderr(text) : io.stdout(text));
      try {
        const engine = await StationEngine.open(
          {
            bus,
            clock,
            host,
            appVersion: appPackageVersion() ?? '0.0.0',
            log: (level, message) => {
              if (level !== 'info') io.stderr(`${level}: ${message}\n`);
            },
          },
          loaded,
        );
        try {
          note(
            `Station ${loaded.profile.name}: ${slots.length} slot(s), ${loaded.profile.autoStart ? 'auto-start' : 'start all'}; records ${loaded.recordsDir}\n`,
          );
          await engine.start();
          const units: RoundUnit[] = [];
          const finished = runStationRounds({
            engine,
            clock,
            rounds,
            expectSlots: sim ? simSlots.map((slot) => slot.label) : null,
            waitForBoardsMs: waitSeconds * 1000,
            ...(stationSim
              ? {
                  beforeRound: (round: number) => stationSim.plugRound(round),
                  afterRound: () => Promise.resolve(stationSim.unplugAll()),
                }
              : {}),
            onUnit: (unit) => {
              units.push(unit);
              printUnit(io, unit, loaded.recordsDir, options.json === true);
            },
            ...(io.signal ? { signal: io.signal } : {}),
          });
          const cancelled = await finished.then(
            () => false,
            (error: unknown) => {
              // Ctrl-C: the units in flight are cancelled (and recorded so) by engine.close() below
              if (isAppError(error, 'aborted')) return true;
              throw error;
            },
          );
          if (cancelled) io.stderr('Cancelled: the units in flight are recorded as cancelled.\n');
          printSummary(io, units, rounds, loaded.recordsDir, options.json === true);
          const allPassed = !cancelled && units.every((unit) => unit.record.outcome === 'pass');
          run.exitCode = allPassed ? EXIT.ok : EXIT.flashFailed;
        } finally {
          await engine.close();
        }
      } finally {
        await bus.close();
      }
    });
}

function positiveInt(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > max)
    throw new AppError('bad-input', `${name} ${text}: expected a whole number from 1 to ${max}.`, { text });
  return value;
}

function printUnit(io: CliIo, unit: RoundUnit, recordsDir: string, json: boolean): void {
  const r = unit.record;
  const journal = r.journalPath ? path.join(recordsDir, r.journalPath) : null;
  if (json) {
    io.stdout(
      `${JSON.stringify({
        type: 'unit',
        round: unit.round,
        slot: r.slot,
        portPath: r.portPath,
        serial: r.serial,
        outcome: r.outcome,
        symptom: r.symptom,
        refusal: r.refusal,
        message: r.message,
        durationMs: r.durationMs,
        unitId: r.unitId,
        journal,
      })}\n`,
    );
    return;
  }
  const seconds = r.durationMs === null ? '' : `  ${(r.durationMs / 1000).toFixed(1)} s`;
  const code = r.symptom ?? r.refusal;
  io.stdout(
    `round ${unit.round}  slot ${r.slot.padEnd(3)} ${r.portPath.padEnd(8)} ${outcomeWord(r).padEnd(11)} serial ${r.serial ?? '(none)'}${seconds}\n`,
  );
  if (r.outcome !== 'pass') io.stdout(`    ${code ? `${code}: ` : ''}${r.message}\n`);
  if (journal && r.outcome !== 'pass') io.stdout(`    journal ${journal}\n`);
}

function outcomeWord(record: UnitRecord): string {
  return record.outcome.toUpperCase();
}

function printSummary(
  io: CliIo,
  units: RoundUnit[],
  rounds: number,
  recordsDir: string,
  json: boolean,
): void {
  const count = (outcome: UnitRecord['outcome']): number =>
    units.filter((u) => u.record.outcome === outcome).length;
  const passed = count('pass');
  const failed = count('fail');
  const flashed = passed + failed;
  const yieldPercent = flashed === 0 ? null : Math.round((passed / flashed) * 1000) / 10;
  const summary = {
    type: 'summary',
    rounds,
    units: units.length,
    passed,
    failed,
    refused: count('refused'),
    cancelled: count('cancelled'),
    yieldPercent,
    recordsDir,
  };
  if (json) {
    io.stdout(`${JSON.stringify(summary)}\n`);
    return;
  }
  io.stdout(
    `\n${units.length} unit(s) in ${rounds} round(s): ${passed} passed, ${failed} failed, ${summary.refused} refused${summary.cancelled ? `, ${summary.cancelled} cancelled` : ''}; yield ${yieldPercent === null ? '—' : `${yieldPercent} %`}\nRecords: ${recordsDir}\n`,
  );
}
