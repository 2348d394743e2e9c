import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTENT_SECURITY_POLICY } from '../../shared/ipc/content-security-policy.js';
import type { AppEventHub } from '../app/app-events.js';
import type { IpcDispatcher } from '../ipc/ipc-dispatcher.js';
import { readStaticFile } from './static-files.js';

export interface WebServerOptions {
  dispatcher: IpcDispatcher;
  events: AppEventHub;
  rendererDir: string;
  /** 0 = any free port. */
  port: number;
  /** Fixed token (tests); a random one per run otherwise. */
  token?: string;
}

export interface WebServer {
  /** The address to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const HOST = '127.0.0.1';
export const TOKEN_HEADER = 'x-flash-station-token';

/**
 * The development and test transport: the real renderer bundle and the IPC contract over HTTP (POST
 * for requests, Server-Sent Events for events). It listens on 127.0.0.1 only and answers the API only
 * with the per-run token, only for its own Host (DNS rebinding) and Origin — unlike an unauthenticated
 * localhost socket, another local process or a web page cannot drive it.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const streams = new Set<ServerResponse>();
  let port = 0;

  const tokenMatches = (candidate: string | null | undefined): boolean => {
    if (typeof candidate !== 'string') return false;
    const bytes = Buffer.from(candidate);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };
  const hostAllowed = (req: IncomingMessage): boolean =>
    req.headers.host === `${HOST}:${port}` || req.headers.host === `localhost:${port}`;
  const originAllowed = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    return (
      origin === undefined || origin === `http://${HOST}:${port}` || origin === `http://localhost:${port}`
    );
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req)) return send(res, 421, 'text/plain; charset=utf-8', 'Wrong host');
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    if (url.pathname === '/api/invoke') {
      if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'POST only');
      if (!originAllowed(req) || !tokenMatches(req.headers[TOKEN_HEADER] as string | undefined)) {
        return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden');
      }
      const body = await readBody(req);
      if (body === null) return send(res, 413, 'text/plain; charset=utf-8', 'Too large');
      let parsed: { channel?: unknown; payload?: unknown };
      try {
        parsed = JSON.parse(body) as { channel?: unknown; payload?: unknown };
      } catch {
        return send(res, 400, 'text/plain; charset=utf-8', 'Not JSON');
      }
      const result = await options.dispatcher.dispatch(parsed.channel, parsed.payload);
      return send(res, 200, 'application/json', JSON.stringify(result));
    }
    if (url.pathname === '/api/events') {
      if (req.method !== 'GET') return send(res, 405, 'text/plain; charset=utf-8', 'GET only');
      if (!originAllowed(req) || !tokenMatches(url.searchParams.get('token'))) {
        return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden');
      }
      return openEventStream(res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain; charset=utf-8', 'GET only');
    const file = await readStaticFile(options.rendererDir, url.pathname);
    if (!file) {
      const missing =
        url.pathname === '/' ? 'The renderer bundle is missing: run `npm run build` first.' : 'Not found';
      return send(res, 404, 'text/plain; charset=utf-8', missing);
    }
    return send(res, 200, file.contentType, file.body);
  }

  function openEventStream(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = options.events.subscribe((channel, payload) => {
      res.write(`data: ${JSON.stringify({ channel, payload })}\n\n`);
    });
    // Proxies and browsers drop an idle stream; a comment line keeps it open.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    res.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      streams.delete(res);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/?token=${encodeURIComponent(token)}`,
    port,
    token,
    close() {
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
