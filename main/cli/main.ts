import { runCli } from './run-cli.js';

// The first Ctrl-C cancels the running command cleanly (the board is left in a known state and the
// outcome says "cancelled"); a second one exits at once.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  process.stderr.write('\nCancelling… (Ctrl-C again to quit at once)\n');
  interrupt.abort();
});

const exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  isTty: Boolean(process.stdout.isTTY),
  signal: interrupt.signal,
  stdin: process.stdin,
});
process.exitCode = exitCode;
// Native USB watchers may keep the loop alive; the command is over.
process.exit(exitCode);
