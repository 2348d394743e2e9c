import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import { VirtualClock } from '../../../main/core/clock.js';
import type { BusEvent } from '../../../main/transport/usb-transport.js';
import { createUsbBackend, type UsbBackendOptions } from '../../../main/usb/usb-backend.js';
import type { UsbBusNote } from '../../../main/usb/usb-bus-notes.js';
import { FakeDevice, FakeWebUsb, flush, ROM_MP15_ALTS } from './fake-webusb.js';

const IO = { timeoutMs: 5_000 };

function setup(devices: FakeDevice[] = [], extra: Partial<UsbBackendOptions> = {}) {
  const clock = new VirtualClock();
  const webusb = new FakeWebUsb(devices);
  const bus = createUsbBackend({ clock, webusb, platform: 'linux', ...extra });
  const events: BusEvent[] = [];
  const notes: UsbBusNote[] = [];
  bus.subscribeNotes((n) => notes.push(n));
  const log: string[] = [];
  bus.subscribeNotes((n) => log.push(`note:${n.type}`));
  bus.subscribe((e) => {
    events.push(e);
    log.push(`${e.type}:${e.identity.connectionId}`);
  });
  return { clock, webusb, bus, events, notes, log };
}

describe('UsbBackend identities', () => {
  it('lists only ST DFU devices by default and everything with `all`', async () => {
    const rom = new FakeDevice({ handle: 'h1', ports: [2] });
    const fixupless = new FakeDevice({ handle: 'h2', productId: 0x5720, ports: [3] });
    const mouse = new FakeDevice({
      handle: 'h3',
      vendorId: 0x046d,
      productId: 0xc52b,
      ports: [4],
      product: 'Mouse',
    });
    const { bus } = setup([rom, fixupless, mouse]);

    const st = await bus.list(IO);
    expect(st.map((i) => [i.portPath, i.pid])).toEqual([
      ['1-2', 0xdf11],
      ['1-3', 0x5720],
    ]);
    const all = await bus.list({ ...IO, all: true });
    expect(all.map((i) => i.product)).toContain('Mouse');
    expect(all.find((i) => i.product === 'Mouse')?.alts).toEqual([]);
    await bus.close();
  });

  it('builds the snapshot: port path, BCD, strings, speed, alternate names, clock time', async () => {
    const device = new FakeDevice({
      handle: 'h1',
      bus: '003',
      ports: [2, 1, 4],
      bcdDevice: 0x7e8a,
      speed: 'high',
    });
    const { bus, clock } = setup([device]);
    clock.advance(1234);
    const [identity] = await bus.list(IO);
    expect(identity).toMatchObject({
      vid: 0x0483,
      pid: 0xdf11,
      bcdDevice: 0x7e8a,
      manufacturer: 'STMicroelectronics',
      product: 'DFU in HS Mode @Device ID /0x500, @Revision ID /0x0000',
      serial: '003B00213439511334383734',
      portPath: '3-2.1.4',
      bus: 3,
      ports: [2, 1, 4],
      speed: 'high',
      seenAtMs: 1234,
      seenAt: '2026-01-01T00:00:01.234Z',
    });
    expect(identity!.alts).toEqual(ROM_MP15_ALTS.map((a) => ({ index: a.alternateSetting, name: a.name })));
    expect(identity!.connectionId).toBe('3-2.1.4#1');
    await bus.close();
  });

  it.each([
    ['superPlus', 'super-plus'],
    ['full', 'full'],
    [undefined, 'unknown'],
  ])('maps node-usb speed %s to %s', async (speed, expected) => {
    const { bus } = setup([new FakeDevice({ handle: 'h', speed })]);
    const [identity] = await bus.list(IO);
    expect(identity!.speed).toBe(expected);
    await bus.close();
  });

  it('names the port on macOS (hex bus) and Windows (location-path bus)', async () => {
    const mac = setup([new FakeDevice({ handle: 'm', bus: '14', ports: [1, 3] })], { platform: 'darwin' });
    expect((await mac.bus.list(IO))[0]).toMatchObject({ bus: 0x14, portPath: '20-1.3' });
    await mac.bus.close();

    const winBus = 'PCIROOT(0)#PCI(1400)#USBROOT(0)';
    const win = setup([new FakeDevice({ handle: 'w', bus: winBus, ports: [2, 3] })], { platform: 'win32' });
    expect((await win.bus.list(IO))[0]).toMatchObject({ bus: null, portPath: `${winBus}-2.3` });
    await win.bus.close();
  });

  it('says so when the OS gives no port chain', async () => {
    const { bus, notes } = setup([new FakeDevice({ handle: 'w', bus: '', ports: [], address: 7 })], {
      platform: 'win32',
    });
    const [identity] = await bus.list(IO);
    await flush();
    expect(identity!.portPath).toBe('?-@7');
    expect(notes).toContainEqual({
      type: 'unstable-port-path',
      connectionId: identity!.connectionId,
      portPath: '?-@7',
    });
    await bus.close();
  });

  it('reads alternate names with GET_DESCRIPTOR when the library has none, and leaves the device closed', async () => {
    const alts = ROM_MP15_ALTS.map((a) => ({ ...a, libraryName: null }));
    const device = new FakeDevice({ handle: 'h', alts });
    const { bus } = setup([device]);
    const [identity] = await bus.list(IO);
    expect(identity!.alts.map((a) => a.name)).toEqual(ROM_MP15_ALTS.map((a) => a.name));
    expect(device.calls).toContain('controlIn standard/device 6 512 0 9 t=1000');
    expect(device.calls.slice(-2)).toEqual(['releaseInterface 0', 'close']);
    expect(device.opened).toBe(false);
    await bus.close();
  });

  it('falls back to descriptors when reading the configuration throws, and notes what stayed unreadable', async () => {
    const readable = new FakeDevice({ handle: 'a', ports: [1] });
    readable.configurationError = new Error('configuration error: failed to read descriptors');
    const locked = new FakeDevice({ handle: 'b', ports: [2] });
    locked.configurationError = new Error('open error: permission denied (errno 13)');
    locked.stringError = new Error('open error: permission denied (errno 13)');
    locked.openImpl = () => Promise.reject(new Error('open error: permission denied (errno 13)'));
    const { bus, notes } = setup([readable, locked]);

    const [first, second] = await bus.list(IO);
    await flush();
    expect(first!.alts.map((a) => a.name)).toEqual(ROM_MP15_ALTS.map((a) => a.name));
    expect(second!).toMatchObject({ alts: [], product: null, serial: null, portPath: '1-2' });
    const incomplete = notes.filter((n) => n.type === 'identity-incomplete');
    expect(
      incomplete.map((n) => [
        n.type === 'identity-incomplete' && n.what,
        n.type === 'identity-incomplete' && n.error.code,
      ]),
    ).toEqual([
      ['strings', 'usb-permission-denied'],
      ['alt-names', 'usb-permission-denied'],
    ]);
    await bus.close();
  });
});

describe('UsbBackend bus events', () => {
  it('turns connect/disconnect into identity events, ST devices only, in order', async () => {
    const { bus, webusb, events } = setup();
    await bus.ready(IO);
    const rom = webusb.plug(new FakeDevice({ handle: 'h1', ports: [2] }));
    webusb.plug(new FakeDevice({ handle: 'k', vendorId: 0x046d, productId: 0xc52b, ports: [5] }));
    webusb.unplug(rom);
    await flush();
    expect(events.map((e) => `${e.type} ${e.identity.portPath}`)).toEqual(['connect 1-2', 'disconnect 1-2']);
    expect(events[1]!.identity).toEqual(events[0]!.identity);
    await bus.close();
  });

  it('gives each enumeration its own connectionId, even when the OS reuses the handle', async () => {
    const { bus, webusb, events } = setup();
    await bus.ready(IO);
    const first = webusb.plug(new FakeDevice({ handle: 'devinst-42' }));
    webusb.unplug(first);
    webusb.plug(
      new FakeDevice({ handle: 'devinst-42', product: 'USB download gadget@Device ID /0x500, ...' }),
    );
    await flush();
    const ids = events.filter((e) => e.type === 'connect').map((e) => e.identity.connectionId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    await bus.close();
  });

  it('reports a serial that changes or vanishes on the same port, before the connect event', async () => {
    const { bus, webusb, notes, log } = setup();
    await bus.ready(IO);
    webusb.unplug(webusb.plug(new FakeDevice({ handle: 'a', ports: [2], serial: 'AAA' })));
    webusb.unplug(webusb.plug(new FakeDevice({ handle: 'b', ports: [2], serial: 'BBB' })));
    webusb.unplug(webusb.plug(new FakeDevice({ handle: 'c', ports: [2], serial: null })));
    webusb.plug(new FakeDevice({ handle: 'd', ports: [3], serial: 'AAA' }));
    await flush();
    const changes = notes.flatMap((n) =>
      n.type === 'serial-changed' ? [[n.change, n.previousSerial, n.serial, n.portPath]] : [],
    );
    expect(changes).toEqual([
      ['changed', 'AAA', 'BBB', '1-2'],
      ['vanished', 'BBB', null, '1-2'],
    ]);
    expect(log.slice(2, 4)).toEqual(['note:serial-changed', 'connect:1-2#2']);
    await bus.close();
  });

  it('catches up in list() with a disconnect the OS never announced', async () => {
    const device = new FakeDevice({ handle: 'h' });
    const { bus, webusb, events } = setup([device]);
    await bus.list(IO);
    webusb.unplug(device, { silent: true });
    expect(await bus.list(IO)).toEqual([]);
    await flush();
    expect(events.map((e) => e.type)).toEqual(['disconnect']);
    await bus.close();
  });

  it('removes its listeners on close and delivers nothing afterwards', async () => {
    const { bus, webusb, events, clock } = setup();
    const unsubscribe = bus.subscribe(() => undefined);
    await bus.ready(IO);
    expect(webusb.listenerCount()).toBe(2);
    webusb.plug(new FakeDevice({ handle: 'late' }));
    unsubscribe();
    await bus.close();
    await flush();
    expect(webusb.listenerCount()).toBe(0);
    expect(events).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
    await expect(bus.list(IO)).rejects.toSatisfy((e: unknown) => isAppError(e, 'internal'));
  });
});

describe('UsbBackend polling watcher', () => {
  it('finds arrivals and departures by polling, without native listeners', async () => {
    const { bus, webusb, events, clock } = setup([], { pollIntervalMs: 200 });
    await bus.ready(IO);
    const device = webusb.plug(new FakeDevice({ handle: 'p' }));
    await flush();
    expect(events).toEqual([]);
    clock.advance(200);
    await flush();
    webusb.unplug(device);
    clock.advance(200);
    await flush();
    expect(events.map((e) => e.type)).toEqual(['connect', 'disconnect']);
    expect(webusb.listenerCount()).toBe(0);
    await bus.close();
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('UsbBackend without USB', () => {
  it('turns a failing getDevices into usb-unavailable with the OS text and what to do', async () => {
    const { bus, webusb, notes } = setup();
    webusb.getDevicesError = Object.assign(
      new Error('getDevices error: /sys/bus/usb/devices/ not found (errno 2)'),
      {
        code: 'GenericFailure',
      },
    );
    const error: unknown = await bus.list(IO).catch((e: unknown) => e);
    expect(isAppError(error, 'usb-unavailable')).toBe(true);
    if (!isAppError(error)) return;
    expect(error.message).toContain('/sys/bus/usb');
    expect(error.fields['osMessage']).toBe('getDevices error: /sys/bus/usb/devices/ not found (errno 2)');
    expect(error.hint).toContain('--sim');
    expect(webusb.listenerCount()).toBe(0);
    await flush();
    expect(notes.some((n) => n.type === 'watch-failed' && n.error.code === 'usb-unavailable')).toBe(true);
    await bus.close();
  });

  it('refuses before loading the library on Linux without /sys/bus/usb', async () => {
    const bus = createUsbBackend({
      clock: new VirtualClock(),
      platform: 'linux',
      hasUsbSubsystem: () => false,
    });
    const error: unknown = await bus.ready(IO).catch((e: unknown) => e);
    expect(isAppError(error, 'usb-unavailable')).toBe(true);
    if (!isAppError(error)) return;
    expect(error.fields).toEqual({ path: '/sys/bus/usb' });
    expect(error.message).toBe(
      'USB is not available on this machine: /sys/bus/usb does not exist, so the kernel exposes no USB bus.',
    );
    expect(error.hint).toContain('usbipd attach --wsl');
    await bus.close();
  });

  it('reports a library that fails to load as usb-unavailable, and retries on the next call', async () => {
    let attempts = 0;
    const bus = createUsbBackend({
      clock: new VirtualClock(),
      platform: 'linux',
      arch: 'x64',
      loadWebUsb: () => {
        attempts++;
        return Promise.reject(
          new Error('Cannot find native binding. npm has a bug related to optional dependencies'),
        );
      },
    });
    const error: unknown = await bus.list(IO).catch((e: unknown) => e);
    expect(isAppError(error, 'usb-unavailable')).toBe(true);
    if (!isAppError(error)) return;
    expect(error.fields['nativePackage']).toBe('@node-usb/usb-linux-x64-gnu');
    expect(error.message).toContain('Cannot find native binding');
    await expect(bus.list(IO)).rejects.toSatisfy((e: unknown) => isAppError(e, 'usb-unavailable'));
    expect(attempts).toBe(2);
    await bus.close();
  });
});
