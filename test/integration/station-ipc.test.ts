import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, test } from 'vitest';
import { parseAppOptions } from '../../main/app/app-options.js';
import { silentAppLog } from '../../main/app/app-log.js';
import { createAppServices, type AppServices } from '../../main/app/create-app-services.js';
import { createIpcDispatcher } from '../../main/ipc/ipc-dispatcher.js';
import { createIpcHandlers } from '../../main/ipc/ipc-handlers.js';
import type { StationEvent } from '../../shared/domain/station.js';
import { createIpcClient, type RawIpcTransport } from '../../shared/ipc/ipc-client.js';
import { TEST_PIN, makeStationWorkspace } from '../unit/station/station-fixtures.js';

let services: AppServices | null = null;
let dir = '';

afterEach(async () => {
  await services?.close();
  services = null;
  if (dir) await rm(dir, { recursive: true, force: true });
});

function clientOf(s: AppServices): ReturnType<typeof createIpcClient> {
  const dispatcher = createIpcDispatcher(createIpcHandlers(s), silentAppLog);
  const transport: RawIpcTransport = {
    invoke: (channel, payload) => dispatcher.dispatch(channel, JSON.parse(JSON.stringify(payload ?? {}))),
    subscribe: (listener) =>
      s.events.subscribe((channel, payload) => listener(channel, JSON.parse(JSON.stringify(payload)))),
  };
  return createIpcClient(transport);
}

describe('station.* over the IPC contract (--simulate --station)', () => {
  test('snapshot and events, the bench locked in main until station.leave accepts the PIN', async () => {
    const workspace = await makeStationWorkspace({ request: { serialPattern: null } });
    dir = workspace.dir;
    const shell: string[] = [];
    services = await createAppServices({
      mode: 'web',
      onStationLeave: () => shell.push('leave'),
      onStationLock: () => shell.push('lock'),
      options: parseAppOptions(['--simulate', '--station', workspace.profilePath, '--sim-time-scale', '0']),
      userDataDir: workspace.dir,
      appVersion: '9.9.9',
      udevRulePath: '/x/50-stm32mp-dfu.rules',
      log: silentAppLog,
    });
    const client = clientOf(services);
    const events: StationEvent[] = [];
    client.on('station.event', (event) => events.push(event));

    const view = await client.invoke('station.snapshot', {});
    expect(view.ok && view.value.locked).toBe(true);
    expect(view.ok && view.value.snapshot?.slots.map((s) => s.label)).toEqual(['A', 'B', 'C', 'D']);
    // one simulated board per slot, not the --sim-boards default on the first free port
    expect(services.simulator?.state().boards.map((b) => b.portPath)).toEqual(['1-2', '1-3', '1-4', '1-5']);

    const bench = await client.invoke('layout.recent', {});
    expect(bench).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    await expect(client.invoke('sim.state', {})).resolves.toMatchObject({ ok: false });

    await expect(client.invoke('station.leave', { pin: '999999' })).resolves.toEqual({
      ok: true,
      value: { ok: false, retryAfterMs: 0 },
    });
    expect(events.some((e) => e.type === 'pin' && !e.result.ok)).toBe(true);
    await expect(client.invoke('station.clearCounters', { pin: TEST_PIN })).resolves.toEqual({
      ok: true,
      value: { ok: true },
    });
    await expect(client.invoke('station.leave', { pin: TEST_PIN })).resolves.toEqual({
      ok: true,
      value: { ok: true },
    });
    await expect(client.invoke('station.snapshot', {})).resolves.toMatchObject({
      ok: true,
      value: { locked: false },
    });
    await expect(client.invoke('layout.recent', {})).resolves.toMatchObject({ ok: true });

    // Locked again from the bench, without a restart: main refuses the bench channels again, and
    // the way out is the PIN once more.
    const locked = await client.invoke('station.lock', {});
    expect(locked.ok && locked.value.locked).toBe(true);
    expect(locked.ok && locked.value.snapshot?.profile.name).toBe(
      view.ok && view.value.snapshot?.profile.name,
    );
    expect(shell).toEqual(['leave', 'lock']);
    await expect(client.invoke('layout.recent', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: 'Operator mode is on: the bench views are locked.' },
    });
    await expect(client.invoke('station.lock', {})).resolves.toMatchObject({
      ok: true,
      value: { locked: true },
    });
    expect(shell).toEqual(['leave', 'lock']);
    await expect(client.invoke('station.leave', { pin: TEST_PIN })).resolves.toEqual({
      ok: true,
      value: { ok: true },
    });
    expect(shell).toEqual(['leave', 'lock', 'leave']);
    await expect(client.invoke('layout.recent', {})).resolves.toMatchObject({ ok: true });
  });

  test('bench mode: station.snapshot is null, station.* refused, the bench channels answer', async () => {
    const workspace = await makeStationWorkspace();
    dir = workspace.dir;
    services = await createAppServices({
      mode: 'web',
      options: parseAppOptions(['--simulate']),
      userDataDir: workspace.dir,
      appVersion: '9.9.9',
      udevRulePath: '/x/50-stm32mp-dfu.rules',
      log: silentAppLog,
    });
    const client = clientOf(services);
    await expect(client.invoke('station.snapshot', {})).resolves.toEqual({
      ok: true,
      value: { snapshot: null, locked: false },
    });
    await expect(client.invoke('station.startAll', {})).resolves.toMatchObject({ ok: false });
    // no station to lock: refused, and the bench stays open
    await expect(client.invoke('station.lock', {})).resolves.toMatchObject({ ok: false });
    await expect(client.invoke('layout.recent', {})).resolves.toMatchObject({ ok: true });
  });
});
