/**
 * One real 'abort' listener per AbortSignal, whatever the number of waits on it. A flash passes the same
 * session signal to every request, two per 4 KiB block; Node's EventTarget add/removeEventListener per
 * request cost more than the rest of the request path together (a profile said 40%).
 */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `onAbort` once when `signal` aborts (not if it already has: check `aborted` first). Returns the
 * function that stops waiting. The listener stays on the signal until it aborts or is collected.
 */
export function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  let callbacks = waiting.get(signal);
  if (!callbacks) {
    const created = new Set<() => void>();
    callbacks = created;
    waiting.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        waiting.delete(signal);
        // A callback may stop others: one that stopped waiting is not called.
        for (const callback of [...created]) if (created.has(callback)) callback();
        created.clear();
      },
      { once: true },
    );
  }
  const entry = (): void => onAbort();
  const set = callbacks;
  set.add(entry);
  return () => void set.delete(entry);
}
