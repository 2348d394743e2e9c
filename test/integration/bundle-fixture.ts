import { appendFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FlashEvent } from '../../shared/domain/flash-event.js';
import type { HostFacts } from '../../shared/domain/host-facts.js';
import { VirtualClock } from '../../main/core/clock.js';
import { runFlashSession } from '../../main/flash/flash-session.js';
import type { FlashSessionRequest } from '../../main/flash/flash-session-types.js';
import { loadFlashLayout } from '../../main/layout/load-flash-layout.js';
import { writeSampleLayout } from '../../main/sample/sample-layout.js';
import type { ScenarioInput, SimSoc } from '../../main/sim/index.js';
import { SimulatedBus, createSimulatedBoard, simulatedHostFacts } from '../../main/sim/index.js';
import { openAppLog } from '../../main/session/app-log.js';
import { logFlashEvents } from '../../main/session/app-log-flash.js';
import { JournalWriter } from '../../main/session/journal/journal-writer.js';

/** A bench engineer who does not exist, on a machine that does not exist. */
export const FAKE_USER = 'mbaptiste';
export const FAKE_HOST = 'lab-bench-042.corp.example';

export interface RecordedSession {
  root: string;
  homeDir: string;
  layoutPath: string;
  journalPath: string;
  appLogPath: string;
  events: FlashEvent[];
  host: HostFacts;
}

/**
 * A real flash of a simulated board (virtual clock: milliseconds of real time) with the layout in a
 * home-like folder, the host facts carrying a fake host name, the journal written by JournalWriter and
 * the app log by the CLI's logger: the inputs of a support bundle, as a bench would produce them.
 */
export async function recordSimSession(options: {
  soc: SimSoc;
  scenario?: ScenarioInput | readonly ScenarioInput[];
  request?: Partial<FlashSessionRequest>;
  host?: Partial<HostFacts>;
  /** A comment line appended to the layout (a build script's signature, say). */
  layoutComment?: string;
}): Promise<RecordedSession> {
  const root = await mkdtemp(path.join(tmpdir(), 'bundle-'));
  const homeDir = path.join(root, 'home', FAKE_USER);
  const layoutDir = path.join(homeDir, 'work', `${FAKE_USER}-images`);
  await mkdir(layoutDir, { recursive: true });
  const { layoutPath } = await writeSampleLayout(layoutDir, {
    soc: options.soc,
    rootfsBytes: 512 * 1024 + 7,
  });
  if (options.layoutComment) await appendFile(layoutPath, `# ${options.layoutComment}\n`);

  const clock = new VirtualClock({ autoAdvance: true, startWall: new Date() });
  const bus = new SimulatedBus({ clock });
  bus.plug(
    createSimulatedBoard({
      soc: options.soc,
      portPath: '1-2',
      ...(options.scenario ? { scenario: options.scenario } : {}),
    }),
  );
  const host: HostFacts = {
    ...simulatedHostFacts(options.scenario),
    hostname: FAKE_HOST,
    ...options.host,
  };
  const journal = await JournalWriter.create(
    path.join(homeDir, '.config', 'journals'),
    'fixture',
    clock.wallNow(),
  );
  const logDir = path.join(homeDir, '.config', 'logs');
  const appLog = openAppLog({ dir: logDir, source: 'cli', level: 'debug' });
  appLog.write('info', `cli started in ${homeDir} by ${FAKE_USER} on ${FAKE_HOST}`);
  const logEvent = logFlashEvents(appLog, journal.filePath);
  const plan = await loadFlashLayout(layoutPath);
  const events: FlashEvent[] = [];
  await runFlashSession(
    {
      bus,
      clock,
      host,
      appVersion: 'test',
      onEvent: (event) => {
        events.push(event);
        journal.write(event);
        logEvent(event);
      },
    },
    { plan, target: { portPath: null, serial: null }, ...options.request },
  );
  await journal.close();
  await bus.close();
  return {
    root,
    homeDir,
    layoutPath,
    journalPath: journal.filePath,
    appLogPath: appLog.filePath ?? path.join(logDir, 'app.log'),
    events,
    host,
  };
}

/** The exporting machine, for tests: the fake account, never the real one running the tests. */
export function fakeMachine(homeDir: string): { homedir(): string; username(): string; hostname(): string } {
  return { homedir: () => homeDir, username: () => FAKE_USER, hostname: () => FAKE_HOST };
}
