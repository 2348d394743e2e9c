import type { EventChannel, EventOf } from '../../shared/ipc/ipc-registry.js';

export type AppEventListener = <E extends EventChannel>(channel: E, payload: EventOf<E>) => void;

/**
 * The services' one outgoing stream, typed by the IPC contract's event list. Services publish here and
 * never know who listens: the Electron window, the web transport, a test.
 */
export class AppEventHub {
  private readonly listeners = new Set<AppEventListener>();

  emit<E extends EventChannel>(channel: E, payload: EventOf<E>): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(channel, payload);
      } catch {
        // One broken listener (a closed window) must not stop the others.
      }
    }
  }

  subscribe(listener: AppEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
