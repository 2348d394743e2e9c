import { AppError } from '../../core/app-error.js';
import { abortedError } from '../../core/clock.js';
import type { CliIo, CliStdin } from '../cli-io.js';

/** An unattended pipe that never delivers its line must not hang an automation job. */
const STDIN_LINE_TIMEOUT_MS = 30_000;
/** A person at the keyboard; the prompt gives up eventually rather than holding the terminal. */
const PROMPT_TIMEOUT_MS = 5 * 60_000;

/**
 * The new admin PIN for `station init`: `--pin-prompt` asks twice on the terminal without echo,
 * `--pin-stdin` reads one line (for automation: `printf '%s\n' "$PIN" | stm32mp-flash station init …`).
 */
export async function readNewPin(io: CliIo, mode: 'prompt' | 'stdin'): Promise<string> {
  const stdin = io.stdin;
  if (!stdin) throw new AppError('bad-input', 'No standard input to read the admin PIN from.');
  if (mode === 'stdin') {
    const pin = await readLine(stdin, STDIN_LINE_TIMEOUT_MS, io.signal);
    if (pin === null) throw new AppError('bad-input', '--pin-stdin: standard input ended before a PIN line.');
    return pin;
  }
  if (!stdin.isTTY || !stdin.setRawMode) {
    throw new AppError(
      'bad-input',
      '--pin-prompt needs a terminal to type the PIN into.',
      {},
      'For automation, pipe the PIN in with --pin-stdin.',
    );
  }
  const first = await promptHidden(stdin, io, 'New admin PIN: ');
  const second = await promptHidden(stdin, io, 'Same PIN again: ');
  if (first !== second) throw new AppError('bad-input', 'The two PINs differ; nothing was written.');
  return first;
}

/** One line (CR LF or LF), or null at end of input. Stops reading right after the line. */
function readLine(
  stdin: CliStdin,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (error: Error | null, line: string | null): void => {
      clearTimeout(timer);
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.removeListener('error', onError);
      signal?.removeEventListener('abort', onAbort);
      stdin.pause();
      if (error) reject(error);
      else resolve(line);
    };
    const onData = (chunk: Buffer | string): void => {
      text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end >= 0) finish(null, text.slice(0, end).replace(/\r$/, ''));
    };
    const onEnd = (): void => finish(null, text === '' ? null : text.replace(/\r$/, ''));
    const onError = (error: Error): void => finish(error, null);
    const onAbort = (): void => finish(abortedError(signal), null);
    const timer = setTimeout(
      () =>
        finish(new AppError('timeout', `No PIN line on standard input within ${timeoutMs / 1000} s.`), null),
      timeoutMs,
    );
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.once('error', onError);
    stdin.resume();
  });
}

/** Raw mode, no echo: Enter ends, Backspace deletes, Ctrl-C / Ctrl-D cancel. */
function promptHidden(stdin: CliStdin, io: CliIo, prompt: string): Promise<string> {
  io.stderr(prompt);
  return new Promise((resolve, reject) => {
    let pin = '';
    const finish = (error: Error | null): void => {
      clearTimeout(timer);
      stdin.removeListener('data', onData);
      io.signal?.removeEventListener('abort', onAbort);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr('\n');
      if (error) reject(error);
      else resolve(pin);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const char of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(null);
        if (char === '\u0003' || char === '\u0004') return finish(new AppError('aborted', 'No PIN entered.'));
        if (char === '\u007f' || char === '\b') pin = [...pin].slice(0, -1).join('');
        else if (char >= ' ') pin += char;
      }
    };
    const onAbort = (): void => finish(abortedError(io.signal));
    const timer = setTimeout(
      () => finish(new AppError('timeout', 'No PIN was entered in time.')),
      PROMPT_TIMEOUT_MS,
    );
    io.signal?.addEventListener('abort', onAbort, { once: true });
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}
