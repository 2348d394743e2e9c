import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../../main/cli/commands/register-commands.js';
import { runCliCaptured } from '../../helpers/cli-capture.js';

// Commands load on demand (register-commands.ts); help and errors must still see every one of them.
describe('command loading', () => {
  it('lists every command in the top-level help', async () => {
    const run = await runCliCaptured(['--help']);
    expect(run.exitCode).toBe(0);
    for (const name of COMMAND_NAMES) expect(run.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(COMMAND_NAMES).toEqual(
      expect.arrayContaining([
        'layout',
        'list',
        'flash',
        'sample',
        'bundle',
        'station',
        'download',
        'upload',
      ]),
    );
  });

  it('shows one command’s help when only that command is loaded', async () => {
    const run = await runCliCaptured(['download', '--help']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Usage: stm32mp-flash download [options] <file>');
    expect(run.stdout).toContain('--alt <alt>');
  });

  it('refuses an unknown command with exit 2 and a pointer to the help', async () => {
    const run = await runCliCaptured(['flahs']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("unknown command 'flahs'");
    expect(run.stderr).toContain('(Did you mean flash?)');
  });
});
