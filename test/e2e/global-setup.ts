import path from 'node:path';
import { build } from 'vite';

/** The e2e tests drive the real renderer bundle: build it once, fresh, before they start. */
export default async function setup(): Promise<void> {
  const root = path.resolve(import.meta.dirname, '..', '..');
  await build({
    configFile: path.join(root, 'vite.config.ts'),
    root: path.join(root, 'renderer'),
    logLevel: 'warn',
  });
}
