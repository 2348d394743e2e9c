import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { parseAppOptions } from '../../../main/app/app-options.js';
import { createAppServices, type AppServices } from '../../../main/app/create-app-services.js';
import { silentAppLog } from '../../../main/app/app-log.js';
import { AppError } from '../../../main/core/app-error.js';
import { createIpcDispatcher } from '../../../main/ipc/ipc-dispatcher.js';
import { createIpcHandlers } from '../../../main/ipc/ipc-handlers.js';
import { IPC_EVENTS, IPC_REQUESTS } from '../../../shared/ipc/ipc-registry.js';
import { createIpcClient, type RawIpcTransport } from '../../../shared/ipc/ipc-client.js';

let services: AppServices | null = null;
let dir = '';

async function simulatedServices(
  argv: string[] = ['--simulate', '--sim-boards', 'mp15'],
): Promise<AppServices> {
  dir = await mkdtemp(path.join(tmpdir(), 'ipc-'));
  services = await createAppServices({
    mode: 'web',
    options: parseAppOptions(argv),
    userDataDir: dir,
    appVersion: '9.9.9',
    udevRulePath: '/x/50-stm32mp-dfu.rules',
    log: silentAppLog,
  });
  return services;
}

/** A client joined to the dispatcher directly, the way both transports join them. */
function clientOf(s: AppServices): ReturnType<typeof createIpcClient> {
  const dispatcher = createIpcDispatcher(createIpcHandlers(s), silentAppLog);
  const transport: RawIpcTransport = {
    invoke: (channel, payload) => dispatcher.dispatch(channel, JSON.parse(JSON.stringify(payload ?? {}))),
    subscribe: (listener) =>
      s.events.subscribe((channel, payload) => listener(channel, JSON.parse(JSON.stringify(payload)))),
  };
  return createIpcClient(transport);
}

afterEach(async () => {
  await services?.close();
  services = null;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the IPC contract', () => {
  test('every channel is declared once, with a doc line, and requests and events do not share names', () => {
    for (const def of Object.values(IPC_REQUESTS)) expect(def.doc.length).toBeGreaterThan(10);
    for (const def of Object.values(IPC_EVENTS)) expect(def.doc.length).toBeGreaterThan(10);
    const requests = Object.keys(IPC_REQUESTS);
    expect(requests.filter((name) => Object.hasOwn(IPC_EVENTS, name))).toEqual([]);
    expect(requests).toEqual(
      expect.arrayContaining([
        'boards.list',
        'layout.open',
        'flash.start',
        'flash.cancel',
        'host.facts',
        'settings.update',
        'sim.plug',
        'log.write',
      ]),
    );
  });

  test('unknown channels and invalid payloads come back as bad-input data, never as throws', async () => {
    const dispatcher = createIpcDispatcher(createIpcHandlers(await simulatedServices()), silentAppLog);
    await expect(dispatcher.dispatch('shell.exec', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad-input' },
    });
    await expect(dispatcher.dispatch(42, {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad-input' },
    });
    const invalid = await dispatcher.dispatch('flash.start', { layoutPath: '', target: { portPath: 7 } });
    expect(invalid).toMatchObject({
      ok: false,
      error: { code: 'bad-input', fields: { channel: 'flash.start' } },
    });
    const extra = await dispatcher.dispatch('app.info', { sneaky: true });
    expect(extra.ok).toBe(false);
  });

  test('AppErrors keep their code and hint; other throws become internal', async () => {
    const s = await simulatedServices();
    const handlers = createIpcHandlers(s);
    handlers['layout.recent'] = () =>
      Promise.reject(new AppError('file-unreadable', 'nope', { path: '/x' }, 'check it'));
    handlers['host.facts'] = () => Promise.reject(new Error('boom'));
    const dispatcher = createIpcDispatcher(handlers, silentAppLog);
    await expect(dispatcher.dispatch('layout.recent', {})).resolves.toEqual({
      ok: false,
      error: { code: 'file-unreadable', message: 'nope', hint: 'check it', fields: { path: '/x' } },
    });
    await expect(dispatcher.dispatch('host.facts', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  test('the typed client sees the simulated board, plugs another and hears the bus', async () => {
    const s = await simulatedServices();
    const client = clientOf(s);
    const info = await client.invoke('app.info', {});
    expect(info).toMatchObject({
      ok: true,
      value: { mode: 'web', simulate: true, appVersion: '9.9.9', canPickFiles: false },
    });
    const logged: string[] = [];
    client.on('boards.log', (entry) =>
      logged.push(`${entry.kind} ${entry.identity.portPath} ${entry.info.stage}`),
    );
    for (
      let i = 0;
      i < 50 && (await client.invoke('boards.list', {})).ok && s.boards.snapshot().boards.length === 0;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const plugged = await client.invoke('sim.plug', { soc: 'mp13', portPath: '1-3', scenario: null });
    expect(plugged.ok && plugged.value.boards.map((b) => `${b.soc}@${b.portPath}`)).toEqual([
      'mp15@1-2',
      'mp13@1-3',
    ]);
    for (let i = 0; i < 100 && !logged.some((l) => l.startsWith('attach 1-3')); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(logged).toContain('attach 1-3 rom');
    const boards = await client.invoke('boards.list', {});
    expect(boards.ok && boards.value.boards.map((b) => b.identity.portPath)).toEqual(['1-2', '1-3']);
    await expect(
      client.invoke('sim.plug', { soc: 'mp15', portPath: null, scenario: 'no-such-fault' }),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad-input' },
    });
    await expect(client.invoke('layout.pick', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad-input' },
    });
  });

  test('settings are validated, saved as JSON in the user data folder, and announced', async () => {
    const s = await simulatedServices();
    const client = clientOf(s);
    const heard: number[] = [];
    client.on('settings.changed', (settings) => heard.push(settings.timeouts.afterFipSeconds));
    const saved = await client.invoke('settings.update', {
      timeouts: { afterFipSeconds: 45 },
      theme: 'dark',
    });
    expect(saved).toMatchObject({
      ok: true,
      value: { theme: 'dark', timeouts: { afterFipSeconds: 45, startSeconds: 5 } },
    });
    expect(heard).toEqual([45]);
    const onDisk = JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8')) as {
      timeouts: { afterFipSeconds: number };
    };
    expect(onDisk.timeouts.afterFipSeconds).toBe(45);
    await expect(
      client.invoke('settings.update', { timeouts: { afterFipSeconds: 0 } }),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad-input' },
    });
  });

  test('a VM fault scenario turns the simulated host into a VM, with the filter advice', async () => {
    const s = await simulatedServices(['--simulate', '--sim-boards', 'none']);
    const client = clientOf(s);
    const before = await client.invoke('host.facts', {});
    expect(before.ok && before.value.facts.vm.detected).toBe(false);
    const changed = new Promise<boolean>((resolve) =>
      client.on('host.changed', (host) => resolve(host.facts.vm.detected)),
    );
    await client.invoke('sim.plug', { soc: 'mp15', portPath: null, scenario: 'vm-filter' });
    await expect(changed).resolves.toBe(true);
    const after = await client.invoke('host.facts', {});
    expect(after.ok && after.value.vmAdvice?.kind).toBe('virtualbox');
  });

  test('flash.start refuses a layout with errors before touching a board', async () => {
    const s = await simulatedServices();
    const client = clientOf(s);
    const missing = await client.invoke('flash.start', {
      layoutPath: path.join(dir, 'none.tsv'),
      target: { portPath: '1-2', serial: null },
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'file-not-found' } });
    await expect(client.invoke('flash.cancel', { sessionId: 'nothing' })).resolves.toEqual({
      ok: true,
      value: { cancelled: false },
    });
  });
});

describe('app options', () => {
  test('defaults, values, and bad values', () => {
    expect(parseAppOptions([])).toEqual({
      simulate: false,
      simBoards: ['mp15'],
      simTimeScale: 1,
      layoutPath: null,
      port: 0,
      userDataDir: null,
      stationProfile: null,
      simSlotScenarios: {},
    });
    expect(
      parseAppOptions([
        '--station',
        'line3.json',
        '--sim-scenario',
        'C=uboot-no-reconnect',
        '--sim-scenario',
        'A=write-error',
      ]),
    ).toMatchObject({
      stationProfile: 'line3.json',
      simSlotScenarios: { C: 'uboot-no-reconnect', A: 'write-error' },
    });
    expect(() => parseAppOptions(['--sim-scenario', 'C'])).toThrow(/slot/);
    expect(
      parseAppOptions([
        '--simulate',
        '--sim-boards',
        'mp13,mp25',
        '--layout',
        'a.tsv',
        '--port',
        '8080',
        '--no-sandbox',
      ]),
    ).toMatchObject({
      simulate: true,
      simBoards: ['mp13', 'mp25'],
      layoutPath: 'a.tsv',
      port: 8080,
    });
    expect(parseAppOptions(['--sim-boards', 'none']).simBoards).toEqual([]);
    expect(() => parseAppOptions(['--sim-boards', 'mp99'])).toThrow(/mp99/);
    expect(() => parseAppOptions(['--port', 'x'])).toThrow(/port/);
  });
});
