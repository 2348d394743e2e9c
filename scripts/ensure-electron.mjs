// `npm start` needs the Electron runtime. npm 11 skips electron's own install script (package.json
// allowScripts keeps it off so that `npm ci` works offline and in CI), so the first start fetches it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve('electron/package.json'));
const pathFile = path.join(electronDir, 'path.txt');
const installed =
  existsSync(pathFile) && existsSync(path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8')));
if (!installed) {
  process.stdout.write('Fetching the Electron runtime (first start only)…\n');
  const result = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(
      'Could not download the Electron runtime. Check the network or set ELECTRON_MIRROR, then run `npm start` again.\n' +
        'Everything but the desktop window also works without it: `npx stm32mp-flash --help`, `npm run web`.\n',
    );
    process.exit(1);
  }
}
