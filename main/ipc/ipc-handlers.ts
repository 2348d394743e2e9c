import type { RequestChannel, RequestOf, ResponseOf } from '../../shared/ipc/ipc-registry.js';
import { AppError } from '../core/app-error.js';
import { writeRendererLogLine } from '../session/app-log.js';
import type { AppServices } from '../app/create-app-services.js';

export type IpcHandlers = { [C in RequestChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };

function simulatorOf(services: AppServices): NonNullable<AppServices['simulator']> {
  if (!services.simulator) {
    throw new AppError(
      'bad-input',
      'The simulator is off.',
      {},
      'Start the app with --simulate to use simulated boards.',
    );
  }
  return services.simulator;
}

function stationOf(services: AppServices): NonNullable<AppServices['station']> {
  if (!services.station) {
    throw new AppError(
      'bad-input',
      'The app is not in operator mode.',
      {},
      'Start it with --station <profile>.',
    );
  }
  return services.station;
}

/** Binds every channel of the contract to a service call; the mapped type makes a missing one a compile error. */
export function createIpcHandlers(services: AppServices): IpcHandlers {
  return lockedInOperatorMode(services, benchAndStationHandlers(services));
}

/** What the operator screen may call while the admin PIN has not opened the bench. */
const OPERATOR_MODE_CHANNELS: ReadonlySet<RequestChannel> = new Set<RequestChannel>([
  'app.info',
  'log.write',
  'station.snapshot',
  'station.startAll',
  'station.startSlot',
  'station.authorize',
  'station.clearCounters',
  'station.leave',
  'station.lock',
]);

/**
 * The lock holds in main, not only in the renderer: while operator mode is locked, a bench channel
 * (open a layout, flash a board, plug a simulated one, change settings) is refused whoever calls it.
 */
function lockedInOperatorMode(services: AppServices, handlers: IpcHandlers): IpcHandlers {
  const guarded = { ...handlers };
  for (const channel of Object.keys(handlers) as RequestChannel[]) {
    if (OPERATOR_MODE_CHANNELS.has(channel)) continue;
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
    (guarded as Record<RequestChannel, (request: unknown) => Promise<unknown>>)[channel] = (request) => {
      if (services.station?.isLocked()) {
        return Promise.reject(
          new AppError(
            'bad-input',
            'Operator mode is on: the bench views are locked.',
            { channel },
            'Enter the admin PIN to leave operator mode.',
          ),
        );
      }
      return handler(request);
    };
  }
  return guarded;
}

function benchAndStationHandlers(services: AppServices): IpcHandlers {
  return {
    'app.info': () => Promise.resolve(services.info),
    'boards.list': () => Promise.resolve(services.boards.snapshot()),
    'layout.open': (request) => services.layouts.open(request.path),
    'layout.pick': async () => {
      if (!services.pickLayout) {
        throw new AppError(
          'bad-input',
          'There is no file dialog in this mode.',
          {},
          'Type the path of the .tsv instead.',
        );
      }
      return { path: await services.pickLayout() };
    },
    'layout.recent': () => Promise.resolve({ paths: services.layouts.recentPaths() }),
    'flash.start': (request) => services.flash.start(request),
    'flash.cancel': (request) => Promise.resolve(services.flash.cancel(request.sessionId)),
    'flash.current': () => Promise.resolve({ session: services.flash.current() }),
    'host.facts': () => services.host.view(),
    'host.refresh': () => services.host.refresh(),
    'settings.get': () => Promise.resolve(services.settings.get()),
    'settings.update': (request) => services.settings.update(request),
    'sim.state': () =>
      Promise.resolve(
        services.simulator?.state() ?? {
          enabled: false,
          timeScale: 1,
          boards: [],
          socs: [],
          scenarios: [],
          freePorts: [],
        },
      ),
    'sim.plug': (request) => Promise.resolve(simulatorOf(services).plug(request)),
    'sim.unplug': (request) => Promise.resolve(simulatorOf(services).unplug(request.label)),
    'log.write': (request) => {
      writeRendererLogLine(services.log, request);
      return Promise.resolve({});
    },
    'session.export': (request) => services.bundles.exportLatest(request.redact),
    'session.pickBundle': async () => ({ path: await services.bundles.pickBundle() }),
    'session.openBundle': (request) => services.bundles.open(request.path),
    'station.snapshot': () => Promise.resolve(services.station?.view() ?? { snapshot: null, locked: false }),
    'station.startAll': () => stationOf(services).startAll(),
    'station.startSlot': (request) => stationOf(services).startSlot(request.label),
    'station.authorize': (request) => stationOf(services).authorize(request.action, request.pin),
    'station.clearCounters': (request) => stationOf(services).clearCounters(request.pin),
    'station.leave': (request) => stationOf(services).leave(request.pin),
    'station.lock': () => Promise.resolve(stationOf(services).lock()),
  };
}
