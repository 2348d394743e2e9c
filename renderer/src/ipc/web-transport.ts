import type { RawIpcTransport } from '../../../shared/ipc/ipc-client.js';

/** Must match main/web/web-server.ts. */
const TOKEN_HEADER = 'x-flash-station-token';

/**
 * The development/test transport: requests are POSTs, events come over one EventSource. The token
 * comes from the page URL the server printed; without it the server answers nothing.
 */
export function createWebTransport(token: string, origin: string = window.location.origin): RawIpcTransport {
  const listeners = new Set<(channel: string, payload: unknown) => void>();
  let source: EventSource | null = null;

  const ensureSource = (): void => {
    if (source) return;
    source = new EventSource(`${origin}/api/events?token=${encodeURIComponent(token)}`);
    source.onmessage = (message: MessageEvent<string>) => {
      let data: { channel?: unknown; payload?: unknown };
      try {
        data = JSON.parse(message.data) as { channel?: unknown; payload?: unknown };
      } catch {
        return;
      }
      if (typeof data.channel !== 'string') return;
      for (const listener of [...listeners]) listener(data.channel, data.payload);
    };
  };

  return {
    async invoke(channel, payload) {
      const response = await fetch(`${origin}/api/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify({ channel, payload }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return (await response.json()) as unknown;
    },
    subscribe(listener) {
      listeners.add(listener);
      ensureSource();
      return () => listeners.delete(listener);
    },
  };
}
