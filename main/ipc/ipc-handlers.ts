import type { RequestChannel, RequestOf, ResponseOf } from '../../shared/ipc/ipc-registry.js';
import { AppError } from '../core/app-error.js';
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

/** Binds every channel of the contract to a service call; the mapped type makes a missing one a compile error. */
export function createIpcHandlers(services: AppServices): IpcHandlers {
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
      services.log.write(request.level, `renderer: ${request.message}`, request.context);
      return Promise.resolve({});
    },
  };
}
