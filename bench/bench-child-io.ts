import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The marker before the JSON result a child prints as its last stdout line. */
const RESULT_MARKER = 'BENCH-RESULT ';

/** In a child: prints the result for the parent. */
export function reportToParent(result: unknown): void {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

/**
 * Runs one measurement in a fresh Node process (dist/bench/bench-child.js <name> [args]) so that a
 * heap grown or a JIT warmed by one measurement cannot flatter or penalise the next, and so that
 * peak RSS belongs to one measurement only.
 */
export function runInChild<T>(
  name: string,
  args: readonly string[] = [],
  nodeArgs: readonly string[] = [],
): Promise<T> {
  const script = fileURLToPath(new URL('./bench-child.js', import.meta.url));
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, name, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      stdout += text;
      for (const line of text.split('\n'))
        if (line && !line.startsWith(RESULT_MARKER)) process.stderr.write(`  ${line}\n`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || !line) {
        reject(new Error(`bench child '${name}' exited with ${code ?? 'a signal'} and no result`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as T);
    });
  });
}
