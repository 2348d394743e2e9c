import { z } from 'zod';

/**
 * One request/response channel: the request schema is enforced by main on every call (the renderer is
 * untrusted input), the response schema by the client on every answer (so a renderer and a main of
 * different builds fail loudly rather than draw nonsense).
 */
export interface RequestDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  kind: 'request';
  request: Req;
  response: Res;
  doc: string;
}

/** One main → renderer event stream. */
export interface EventDef<Payload extends z.ZodType = z.ZodType> {
  kind: 'event';
  payload: Payload;
  doc: string;
}

export function defineRequest<Req extends z.ZodType, Res extends z.ZodType>(
  request: Req,
  response: Res,
  doc: string,
): RequestDef<Req, Res> {
  return { kind: 'request', request, response, doc };
}

export function defineEvent<Payload extends z.ZodType>(payload: Payload, doc: string): EventDef<Payload> {
  return { kind: 'event', payload, doc };
}

/** The request of a channel that takes no arguments: `{}`, nothing else. */
export const noArgs = z.strictObject({});
