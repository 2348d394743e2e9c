import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo, CliStdin } from '../../../main/cli/cli-io.js';
import { readNewPin } from '../../../main/cli/commands/station-pin-input.js';

function io(stdin: CliStdin | undefined): { io: CliIo; stderr: () => string } {
  let stderr = '';
  return {
    io: {
      stdout: () => undefined,
      stderr: (text) => (stderr += text),
      cwd: '/',
      env: {},
      isTty: true,
      ...(stdin ? { stdin } : {}),
    },
    stderr: () => stderr,
  };
}

/** A terminal in raw mode: keystrokes arrive as they are typed, nothing is echoed by us. */
function fakeTty(keys: string[]): CliStdin & { rawModes: boolean[] } {
  const stream = new PassThrough() as unknown as CliStdin & { rawModes: boolean[] };
  stream.isTTY = true;
  stream.rawModes = [];
  stream.setRawMode = (mode: boolean) => stream.rawModes.push(mode);
  setImmediate(() => {
    for (const key of keys) (stream as unknown as PassThrough).write(key);
  });
  return stream;
}

describe('admin PIN input', () => {
  it('--pin-stdin reads one line (CR LF or LF) and nothing more', async () => {
    expect(await readNewPin(io(Readable.from(['4826\r\nnext line\n'])).io, 'stdin')).toBe('4826');
    expect(await readNewPin(io(Readable.from(['48', '26'])).io, 'stdin')).toBe('4826');
    await expect(readNewPin(io(Readable.from([])).io, 'stdin')).rejects.toThrow(/ended before a PIN line/);
    await expect(readNewPin(io(undefined).io, 'stdin')).rejects.toThrow(/No standard input/);
  });

  it('--pin-prompt asks twice without echo, handles backspace, restores the terminal', async () => {
    const tty = fakeTty(['12', '9\u007f', '34\r', '1234\r']);
    const run = io(tty);
    expect(await readNewPin(run.io, 'prompt')).toBe('1234');
    expect(run.stderr()).toBe('New admin PIN: \nSame PIN again: \n');
    expect(tty.rawModes).toEqual([true, false, true, false]);
  });

  it('--pin-prompt refuses two different PINs and a terminal-less input', async () => {
    await expect(readNewPin(io(fakeTty(['1234\r', '4321\r'])).io, 'prompt')).rejects.toThrow(
      /The two PINs differ/,
    );
    await expect(readNewPin(io(Readable.from(['1234\n'])).io, 'prompt')).rejects.toThrow(/needs a terminal/);
  });
});
