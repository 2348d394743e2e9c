import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AppEventHub } from '../../../main/app/app-events.js';
import type { IpcDispatcher } from '../../../main/ipc/ipc-dispatcher.js';
import { startWebServer, type WebServer } from '../../../main/web/web-server.js';

let server: WebServer;
let dir: string;
const events = new AppEventHub();
const dispatcher: IpcDispatcher = {
  dispatch: (channel, payload) => Promise.resolve({ ok: true, value: { channel, payload } }),
};

function call(
  pathName: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: pathName,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'web-'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
  server = await startWebServer({ dispatcher, events, rendererDir: dir, port: 0, token: 'secret-token' });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the development transport', () => {
  test('listens on 127.0.0.1 and prints the URL with its token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=secret-token`);
  });

  test('serves the renderer with the CSP, and nothing outside its folder', async () => {
    const page = await call('/');
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect((await call('/../package.json')).status).toBe(404);
    expect((await call('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  });

  test('answers requests only with the token, for its own host and origin', async () => {
    const body = JSON.stringify({ channel: 'app.info', payload: {} });
    const ok = await call('/api/invoke', {
      method: 'POST',
      headers: { 'x-flash-station-token': 'secret-token' },
      body,
    });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: { channel: 'app.info', payload: {} } });
    expect((await call('/api/invoke', { method: 'POST', body })).status).toBe(403);
    expect(
      (
        await call('/api/invoke', {
          method: 'POST',
          headers: { 'x-flash-station-token': 'secret-tokem' },
          body,
        })
      ).status,
    ).toBe(403);
    const otherOrigin = { 'x-flash-station-token': 'secret-token', origin: 'http://evil.example' };
    expect((await call('/api/invoke', { method: 'POST', headers: otherOrigin, body })).status).toBe(403);
    const rebound = { 'x-flash-station-token': 'secret-token', host: 'evil.example' };
    expect((await call('/api/invoke', { method: 'POST', headers: rebound, body })).status).toBe(421);
    expect((await call('/api/events')).status).toBe(403);
  });

  test('streams events to a client with the token', async () => {
    const received = new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/api/events?token=secret-token' },
        (res) => {
          res.on('data', (chunk: Buffer) => {
            const text = chunk.toString();
            if (text.includes('data:')) {
              resolve(text);
              req.destroy();
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    await new Promise((r) => setTimeout(r, 100));
    events.emit('settings.changed', {
      timeouts: {
        startSeconds: 1,
        afterFsblSeconds: 1,
        afterDdrFipSeconds: 1,
        afterFipSeconds: 1,
        afterLayoutSeconds: 1,
      },
      folders: { layouts: null, journals: null },
      theme: 'dark',
    });
    const text = await received;
    expect(JSON.parse(text.slice(text.indexOf('data: ') + 6))).toMatchObject({
      channel: 'settings.changed',
      payload: { theme: 'dark' },
    });
  });
});
