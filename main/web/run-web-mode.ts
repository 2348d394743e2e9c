import path from 'node:path';
import { createAppServices, type AppServices } from '../app/create-app-services.js';
import { parseAppOptions } from '../app/app-options.js';
import { findPackageRoot, packageVersion, rendererDirOf, udevRulePathOf } from '../app/package-root.js';
import { createIpcDispatcher } from '../ipc/ipc-dispatcher.js';
import { createIpcHandlers } from '../ipc/ipc-handlers.js';
import { startWebServer, type WebServer } from './web-server.js';

export interface WebMode {
  server: WebServer;
  services: AppServices;
  close(): Promise<void>;
}

export interface WebModeOverrides {
  /** Fixed token (tests). */
  token?: string;
  rendererDir?: string;
}

/**
 * `npm run web -- --simulate [--layout f.tsv] [--port n]`: the real services in Node and the real
 * renderer in a browser tab, joined by the IPC contract over the local transport.
 */
export async function runWebMode(
  argv: readonly string[],
  overrides: WebModeOverrides = {},
): Promise<WebMode> {
  const options = parseAppOptions(argv);
  const root = findPackageRoot();
  const services = await createAppServices({
    mode: 'web',
    options,
    userDataDir: options.userDataDir ?? path.join(root, '.cache', 'web-user-data'),
    appVersion: packageVersion(root),
    udevRulePath: udevRulePathOf(root),
  });
  const dispatcher = createIpcDispatcher(createIpcHandlers(services), services.log);
  const server = await startWebServer({
    dispatcher,
    events: services.events,
    rendererDir: overrides.rendererDir ?? rendererDirOf(root),
    port: options.port,
    ...(overrides.token ? { token: overrides.token } : {}),
  });
  return {
    server,
    services,
    async close() {
      await server.close();
      await services.close();
    },
  };
}
