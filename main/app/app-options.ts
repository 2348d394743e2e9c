import { parseArgs } from 'node:util';
import type { SocId } from '../../shared/domain/flash-event.js';
import { AppError } from '../core/app-error.js';

/** The command line the Electron shell and the web mode share. */
export interface AppOptions {
  simulate: boolean;
  /** Simulated boards plugged in at start (--sim-boards mp15,mp13; "none" for an empty bus). */
  simBoards: SocId[];
  /** Simulator model time → wall time (1 = real speed). */
  simTimeScale: number;
  layoutPath: string | null;
  /** Web mode only: the port to listen on (0 = any free port). */
  port: number;
  /** Overrides the user data folder (settings, recent files, journals, logs). */
  userDataDir: string | null;
  /** --station <profile.json>: operator mode on that profile (kiosk window, bench views locked). */
  stationProfile: string | null;
  /** --sim-scenario <slot>=<scenario> (repeatable): the simulated board plugged into that slot has the fault. */
  simSlotScenarios: Record<string, string>;
}

const SOCS: readonly SocId[] = ['mp15', 'mp13', 'mp25'];

/** Unknown options are ignored: Chromium and Electron put their own switches on the command line. */
export function parseAppOptions(argv: readonly string[]): AppOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: false,
    allowPositionals: true,
    options: {
      simulate: { type: 'boolean' },
      'sim-boards': { type: 'string' },
      'sim-time-scale': { type: 'string' },
      layout: { type: 'string' },
      port: { type: 'string' },
      'user-data': { type: 'string' },
      station: { type: 'string' },
      'sim-scenario': { type: 'string', multiple: true },
    },
  });
  const text = (key: string): string | null => {
    const value = values[key];
    return typeof value === 'string' && value !== '' ? value : null;
  };
  const boardsText = text('sim-boards') ?? 'mp15';
  const simBoards =
    boardsText === 'none'
      ? []
      : boardsText.split(',').map((soc) => {
          const trimmed = soc.trim() as SocId;
          if (!SOCS.includes(trimmed)) {
            throw new AppError(
              'bad-input',
              `--sim-boards: "${soc}" is not one of ${SOCS.join(', ')} or none.`,
            );
          }
          return trimmed;
        });
  const scale = Number(text('sim-time-scale') ?? '1');
  if (!Number.isFinite(scale) || scale < 0 || scale > 100) {
    throw new AppError('bad-input', '--sim-time-scale must be a number between 0 and 100 (1 = real speed).');
  }
  const port = Number(text('port') ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AppError('bad-input', '--port must be a TCP port number (0 picks a free one).');
  }
  const simSlotScenarios: Record<string, string> = {};
  const scenarioTexts = values['sim-scenario'];
  for (const entry of Array.isArray(scenarioTexts) ? scenarioTexts : []) {
    const match = typeof entry === 'string' ? /^([^=]{1,40})=([a-z][a-z-]{0,39})$/.exec(entry) : null;
    if (!match)
      throw new AppError('bad-input', '--sim-scenario takes <slot>=<scenario>, e.g. C=uboot-no-reconnect.');
    simSlotScenarios[match[1]!] = match[2]!;
  }
  return {
    simulate: values.simulate === true,
    simBoards,
    simTimeScale: scale,
    layoutPath: text('layout'),
    port,
    userDataDir: text('user-data'),
    stationProfile: text('station'),
    simSlotScenarios,
  };
}
