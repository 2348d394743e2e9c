#!/usr/bin/env node
// The CLI runs from the compiled output; `npm run build` produces it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/main/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('stm32mp-flash: not built yet. Run `npm run build` in the project folder first.\n');
  process.exit(1);
}
await import(entry.href);
