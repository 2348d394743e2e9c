import { IPC_REQUESTS, isRequestChannel, type RequestChannel } from '../../shared/ipc/ipc-registry.js';
import { ipcFail, ipcOk, type IpcResult } from '../../shared/ipc/ipc-result.js';
import type { AppLog } from '../app/app-log.js';
import { toIpcError } from '../app/flash-service.js';
import type { IpcHandlers } from './ipc-handlers.js';

export interface IpcDispatcher {
  /** Never throws: every failure comes back as `{ ok: false, error }` with a stable code. */
  dispatch(channel: unknown, payload: unknown): Promise<IpcResult<unknown>>;
}

/**
 * The boundary: the channel must be in the contract, the payload must match its schema (the renderer is
 * untrusted input), and whatever a service throws becomes error data.
 */
export function createIpcDispatcher(handlers: IpcHandlers, log: AppLog): IpcDispatcher {
  return {
    async dispatch(channel, payload) {
      if (!isRequestChannel(channel)) {
        return ipcFail('bad-input', `Unknown IPC channel ${JSON.stringify(String(channel)).slice(0, 80)}.`);
      }
      const parsed = IPC_REQUESTS[channel].request.safeParse(payload ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => ({
          path: issue.path.join('.'),
          message: issue.message,
        }));
        return ipcFail('bad-input', `Invalid request for ${channel}.`, null, { channel, issues });
      }
      try {
        const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
        return ipcOk(await handler(parsed.data));
      } catch (error) {
        const data = toIpcError(error);
        if (data.code === 'internal') {
          log.write('error', `IPC ${channel} failed`, {
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          });
        }
        return { ok: false, error: data };
      }
    },
  };
}

export type { RequestChannel };
