import { isAppError } from '../core/app-error.js';
import { runWebMode } from './run-web-mode.js';

/** Entry point of `npm run web`. Prints the URL (with its token) and runs until Ctrl+C. */
async function main(): Promise<void> {
  const web = await runWebMode(process.argv.slice(2));
  process.stdout.write(
    `STM32MP Flash Station (web mode${web.services.info.simulate ? ', simulated boards' : ''})\n`,
  );
  process.stdout.write(`Open ${web.server.url}\n`);
  const stop = (): void => {
    void web.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (isAppError(error)) {
    process.stderr.write(`stm32mp-flash web: ${error.message}\n`);
    if (error.hint) process.stderr.write(`  ${error.hint}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `stm32mp-flash web: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
