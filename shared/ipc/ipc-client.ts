import type { ErrorCode } from '../error-codes.js';
import { ipcResultEnvelopeSchema, type IpcResult } from './ipc-result.js';
import {
  IPC_EVENTS,
  IPC_REQUESTS,
  isEventChannel,
  type EventChannel,
  type EventOf,
  type RequestChannel,
  type RequestOf,
  type ResponseOf,
} from './ipc-registry.js';

/**
 * What a transport moves: an untyped request with its untyped answer, and untyped events. Both the
 * Electron preload bridge and the web transport implement exactly this; the typing and the checks
 * live once, in `createIpcClient`.
 */
export interface RawIpcTransport {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  /** Returns the unsubscribe function. */
  subscribe(listener: (channel: string, payload: unknown) => void): () => void;
}

/** The one typed API the renderer talks to main through, whatever the shell. */
export interface IpcClient {
  invoke<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<IpcResult<ResponseOf<C>>>;
  on<E extends EventChannel>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}

function failure(code: ErrorCode, message: string, fields: Record<string, unknown> = {}): IpcResult<never> {
  return { ok: false, error: { code, message, hint: null, fields } };
}

export function createIpcClient(
  transport: RawIpcTransport,
  onProtocolError?: (text: string) => void,
): IpcClient {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let unsubscribe: (() => void) | null = null;

  const dispatch = (channel: string, payload: unknown): void => {
    if (!isEventChannel(channel)) return;
    const parsed = IPC_EVENTS[channel].payload.safeParse(payload);
    if (!parsed.success) {
      onProtocolError?.(`event ${channel}: ${parsed.error.message}`);
      return;
    }
    for (const listener of [...(listeners.get(channel) ?? [])]) listener(parsed.data);
  };

  return {
    async invoke(channel, request) {
      let raw: unknown;
      try {
        raw = await transport.invoke(channel, request);
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        return failure('internal', `The app's main process did not answer ${channel}: ${text}`, { channel });
      }
      const envelope = ipcResultEnvelopeSchema.safeParse(raw);
      if (!envelope.success) return failure('internal', `Malformed answer to ${channel}.`, { channel });
      if (!envelope.data.ok) return { ok: false, error: envelope.data.error };
      const value = IPC_REQUESTS[channel].response.safeParse(envelope.data.value);
      if (!value.success) {
        onProtocolError?.(`response ${channel}: ${value.error.message}`);
        return failure('internal', `Unexpected answer to ${channel}.`, { channel });
      }
      return { ok: true, value: value.data as ResponseOf<typeof channel> };
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      unsubscribe ??= transport.subscribe(dispatch);
      return () => {
        set.delete(wrapped);
      };
    },
  };
}
