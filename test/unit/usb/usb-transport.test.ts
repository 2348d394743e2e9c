import { describe, expect, it } from 'vitest';
import { AppError, isAppError } from '../../../main/core/app-error.js';
import { VirtualClock } from '../../../main/core/clock.js';
import type { ControlSetup, UsbTransport } from '../../../main/transport/usb-transport.js';
import { createUsbBackend } from '../../../main/usb/usb-backend.js';
import { FakeDevice, FakeWebUsb, flush } from './fake-webusb.js';

const IO = { timeoutMs: 1_000 };
const GETSTATUS: ControlSetup = {
  requestType: 'class',
  recipient: 'interface',
  request: 3,
  value: 0,
  index: 0,
};
const DNLOAD: ControlSetup = { requestType: 'class', recipient: 'interface', request: 1, value: 2, index: 0 };

async function opened(
  device = new FakeDevice({ handle: 'h' }),
  platform: NodeJS.Platform = 'linux',
): Promise<{
  clock: VirtualClock;
  webusb: FakeWebUsb;
  device: FakeDevice;
  transport: UsbTransport;
  close: () => Promise<void>;
}> {
  const clock = new VirtualClock();
  const webusb = new FakeWebUsb([device]);
  const bus = createUsbBackend({ clock, webusb, platform, nativeTimeoutGraceMs: 500 });
  const [identity] = await bus.list(IO);
  device.calls.length = 0;
  const transport = await bus.open(identity!.connectionId, IO);
  return { clock, webusb, device, transport, close: () => bus.close() };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`not an AppError: ${String(error)}`);
  return error;
}

describe('UsbTransport over WebUSB', () => {
  it('passes open, configuration, claim, alternate and control requests through', async () => {
    const { device, transport, close } = await opened();
    await transport.selectConfiguration(1, IO);
    await transport.claimInterface(0, IO);
    expect(await transport.selectAlternate(0, 5, IO)).toBe('ok');
    const status = await transport.controlIn(GETSTATUS, 6, { timeoutMs: 300 });
    const written = await transport.controlOut(DNLOAD, new Uint8Array(1024), { timeoutMs: 300 });
    expect(status).toEqual({ status: 'ok', data: new Uint8Array(6) });
    expect(written).toEqual({ status: 'ok', bytesWritten: 1024 });
    expect(device.calls).toEqual([
      'open',
      'selectConfiguration 1',
      'claimInterface 0',
      'selectAlternateInterface 0 5',
      'controlIn class/interface 3 0 0 6 t=300',
      'controlOut class/interface 1 2 0 [1024] t=300',
    ]);
    await close();
  });

  it('claims interface 0 itself before a control request, because node-usb needs one claimed', async () => {
    const { device, transport, close } = await opened();
    const detach: ControlSetup = {
      requestType: 'class',
      recipient: 'interface',
      request: 0,
      value: 255,
      index: 0,
    };
    expect(await transport.controlOut(detach, new Uint8Array(0), IO)).toEqual({
      status: 'ok',
      bytesWritten: 0,
    });
    expect(device.calls).toEqual([
      'open',
      'claimInterface 0',
      'controlOut class/interface 0 255 0 [0] t=1000',
    ]);
    await close();
  });

  it('returns a STALL as a result, whether thrown (node-usb) or reported (WebUSB spec)', async () => {
    const { device, transport, close } = await opened();
    await transport.claimInterface(0, IO);
    device.controlInImpl = () => Promise.reject(new Error('controlTransferIn error: endpoint stalled'));
    expect(await transport.controlIn(GETSTATUS, 6, IO)).toEqual({ status: 'stall' });
    device.controlOutImpl = () => Promise.resolve({ status: 'stall', bytesWritten: 0 });
    expect(await transport.controlOut(DNLOAD, new Uint8Array(4), IO)).toEqual({ status: 'stall' });
    device.selectAltImpl = () =>
      Promise.reject(new Error('selectAlternateInterface error: failed to set alternate setting (errno 32)'));
    expect(await transport.selectAlternate(0, 9, IO)).toBe('stall');
    expect(await transport.controlIn(GETSTATUS, 6, IO)).toEqual({ status: 'stall' });
    await close();
  });

  it('reads a refused SET_INTERFACE on Windows (ERROR_GEN_FAILURE) as a STALL', async () => {
    const { device, transport, close } = await opened(new FakeDevice({ handle: 'w' }), 'win32');
    await transport.claimInterface(0, IO);
    device.selectAltImpl = () =>
      Promise.reject(new Error('selectAlternateInterface error: failed to set alternate setting (error 31)'));
    expect(await transport.selectAlternate(0, 9, IO)).toBe('stall');
    await close();
  });

  it('maps each failure to its AppError code and keeps the OS text', async () => {
    const { device, transport, close } = await opened();
    device.claimImpl = () => Promise.reject(new Error('claimInterface error: interface is busy (errno 16)'));
    const busy = await rejection(transport.claimInterface(0, IO));
    expect([busy.code, busy.fields['osMessage']]).toEqual([
      'usb-busy',
      'claimInterface error: interface is busy (errno 16)',
    ]);
    expect(busy.hint).toContain('STM32CubeProgrammer');

    device.claimImpl = () => Promise.resolve();
    device.controlInImpl = () =>
      Promise.reject(new Error('controlTransferIn error: hardware fault or protocol violation'));
    const fault = await rejection(transport.controlIn(GETSTATUS, 6, IO));
    expect([fault.code, fault.fields['portPath']]).toEqual(['transfer-failed', '1-2']);
    await close();
  });

  it('maps a native timeout ("transfer was cancelled") to timeout and keeps the handle usable', async () => {
    const { device, transport, close } = await opened();
    await transport.claimInterface(0, IO);
    device.controlOutImpl = () =>
      Promise.reject(new Error('controlTransferOut error: transfer was cancelled'));
    const error = await rejection(transport.controlOut(DNLOAD, new Uint8Array(8), { timeoutMs: 250 }));
    expect([error.code, error.fields['timeoutMs']]).toEqual(['timeout', 250]);
    device.controlOutImpl = (_s, data) => Promise.resolve({ status: 'ok', bytesWritten: data.length });
    expect(await transport.controlOut(DNLOAD, new Uint8Array(8), IO)).toEqual({
      status: 'ok',
      bytesWritten: 8,
    });
    await close();
  });

  it('times out on the injected clock when the OS never answers, then refuses the abandoned handle', async () => {
    const { clock, device, transport, close } = await opened();
    await transport.claimInterface(0, IO);
    device.controlInImpl = () => new Promise(() => undefined);
    let settled = false;
    const pending = rejection(transport.controlIn(GETSTATUS, 6, { timeoutMs: 300 })).finally(
      () => (settled = true),
    );
    await flush();
    clock.advance(799);
    await flush();
    expect(settled).toBe(false);
    clock.advance(1);
    const error = await pending;
    expect([error.code, error.message]).toEqual([
      'timeout',
      'control-in on 1-2#1 did not finish within 800 ms.',
    ]);
    expect(clock.pendingTimers()).toBe(0);
    const refused = await rejection(transport.selectAlternate(0, 1, IO));
    expect([refused.code, refused.fields['abandoned']]).toEqual(['transfer-failed', true]);
    await close();
  });

  it('gives calls without an OS timeout exactly timeoutMs', async () => {
    const { clock, device, transport, close } = await opened();
    device.claimImpl = () => new Promise(() => undefined);
    const pending = rejection(transport.claimInterface(0, { timeoutMs: 2_000 }));
    clock.advance(2_000);
    expect((await pending).code).toBe('timeout');
    await close();
  });

  it('rejects with aborted when the signal fires, and does not start a call on an aborted signal', async () => {
    const { device, transport, close, clock } = await opened();
    await transport.claimInterface(0, IO);
    const controller = new AbortController();
    device.controlInImpl = () => new Promise(() => undefined);
    const pending = rejection(
      transport.controlIn(GETSTATUS, 6, { timeoutMs: 5_000, signal: controller.signal }),
    );
    controller.abort();
    expect((await pending).code).toBe('aborted');
    expect(clock.pendingTimers()).toBe(0);

    const { device: fresh, transport: second, close: close2 } = await opened();
    const before = fresh.calls.length;
    const error = await rejection(
      second.claimInterface(0, { timeoutMs: 1_000, signal: AbortSignal.abort() }),
    );
    expect(error.code).toBe('aborted');
    expect(fresh.calls.length).toBe(before);
    await close();
    await close2();
  });

  it('sends control transfers one at a time, in call order, even when the caller starts them together', async () => {
    const { device, transport, close } = await opened();
    await transport.claimInterface(0, IO);
    // node-usb v3 runs each transfer on its own thread: two started together can reach the bus swapped.
    const finishOut: (() => void)[] = [];
    device.controlOutImpl = (_setup, data) =>
      new Promise((resolve) => finishOut.push(() => resolve({ status: 'ok', bytesWritten: data.length })));
    device.calls.length = 0;
    const dnload = transport.controlOut(DNLOAD, new Uint8Array(16), IO);
    const status = transport.controlIn(GETSTATUS, 6, IO);
    const second = transport.controlOut({ ...DNLOAD, value: 3 }, new Uint8Array(8), IO);
    await flush();
    expect(device.calls).toEqual(['controlOut class/interface 1 2 0 [16] t=1000']);
    finishOut.shift()!();
    await dnload;
    await status;
    await flush();
    expect(device.calls.slice(1)).toEqual([
      'controlIn class/interface 3 0 0 6 t=1000',
      'controlOut class/interface 1 3 0 [8] t=1000',
    ]);
    finishOut.shift()!();
    expect(await second).toEqual({ status: 'ok', bytesWritten: 8 });
    await close();
  });

  it('lets a cancelled caller leave the ep0 queue at once; the next caller still gets ep0', async () => {
    const { device, transport, close } = await opened();
    await transport.claimInterface(0, IO);
    let finish: (() => void) | null = null;
    device.controlOutImpl = (_setup, data) =>
      new Promise((resolve) => (finish = () => resolve({ status: 'ok', bytesWritten: data.length })));
    const first = transport.controlOut(DNLOAD, new Uint8Array(4), IO);
    const controller = new AbortController();
    const cancelled = rejection(transport.controlIn(GETSTATUS, 6, { ...IO, signal: controller.signal }));
    const next = transport.controlIn(GETSTATUS, 6, IO);
    await flush();
    controller.abort();
    expect((await cancelled).code).toBe('aborted');
    device.calls.length = 0;
    finish!();
    await first;
    expect((await next).status).toBe('ok');
    expect(device.calls).toEqual(['controlIn class/interface 3 0 0 6 t=1000']);
    await close();
  });
  it('fails pending and later calls of an old handle with device-gone once the board leaves', async () => {
    const { webusb, device, transport, close } = await opened();
    await transport.claimInterface(0, IO);
    device.controlInImpl = () => new Promise(() => undefined);
    const pending = rejection(transport.controlIn(GETSTATUS, 6, IO));
    webusb.unplug(device);
    expect((await pending).code).toBe('device-gone');
    expect((await rejection(transport.controlOut(DNLOAD, new Uint8Array(1), IO))).code).toBe('device-gone');
    await close();
  });

  it('maps an OS "device disconnected" to device-gone even before the bus event', async () => {
    const { device, transport, close } = await opened();
    await transport.claimInterface(0, IO);
    device.controlInImpl = () => Promise.reject(new Error('controlTransferIn error: device disconnected'));
    expect((await rejection(transport.controlIn(GETSTATUS, 6, IO))).code).toBe('device-gone');
    expect((await rejection(transport.selectAlternate(0, 1, IO))).code).toBe('device-gone');
    await close();
  });

  it('resolves a reset that makes the board leave the bus', async () => {
    const { device, transport, close } = await opened();
    device.resetImpl = () => Promise.reject(new Error('reset error: device disconnected'));
    await expect(transport.reset(IO)).resolves.toBeUndefined();
    expect((await rejection(transport.claimInterface(0, IO))).code).toBe('device-gone');
    await close();
  });

  it('reports that WinUSB cannot reset a port', async () => {
    const { device, transport, close } = await opened(new FakeDevice({ handle: 'w' }), 'win32');
    device.resetImpl = () => Promise.reject(new Error('reset error: reset not supported by WinUSB'));
    const error = await rejection(transport.reset(IO));
    expect([error.code, error.hint]).toEqual([
      'usb-unsupported',
      'WinUSB cannot reset a USB port: power-cycle or replug the board where the flow needs a reset.',
    ]);
    await close();
  });

  it('closes once, releasing what it claimed, never throwing', async () => {
    const { device, transport, close } = await opened();
    await transport.claimInterface(0, IO);
    device.closeImpl = () => Promise.reject(new Error('close error: device disconnected'));
    await transport.close();
    await transport.close();
    expect(device.calls.filter((c) => c === 'close' || c.startsWith('releaseInterface'))).toEqual([
      'releaseInterface 0',
      'close',
    ]);
    expect((await rejection(transport.controlIn(GETSTATUS, 6, IO))).code).toBe('internal');
    await close();
  });
});

describe('UsbBus.open', () => {
  it('maps open failures: permission (Linux, udev hint), access denied (Windows = busy), no driver', async () => {
    const cases: [NodeJS.Platform, string, string, string][] = [
      [
        'linux',
        'open error: failed to open device (errno 13)',
        'usb-permission-denied',
        'sudo udevadm trigger',
      ],
      ['win32', 'open error: failed to open device (error 5)', 'usb-busy', 'only one program'],
      [
        'win32',
        'claimInterface error: incompatible driver is installed for this device',
        'usb-no-driver',
        'Zadig',
      ],
    ];
    for (const [platform, text, code, hint] of cases) {
      const device = new FakeDevice({ handle: 'h' });
      const clock = new VirtualClock();
      const bus = createUsbBackend({ clock, webusb: new FakeWebUsb([device]), platform });
      const [identity] = await bus.list(IO);
      device.openImpl = () => Promise.reject(new Error(text));
      const error = await rejection(bus.open(identity!.connectionId, IO));
      expect([error.code, error.fields['osMessage']]).toEqual([code, text]);
      expect(error.hint).toContain(hint);
      await bus.close();
    }
  });

  it('refuses an enumeration that left, and a second handle on the same one', async () => {
    const device = new FakeDevice({ handle: 'h' });
    const webusb = new FakeWebUsb([device]);
    const bus = createUsbBackend({ clock: new VirtualClock(), webusb, platform: 'linux' });
    const [identity] = await bus.list(IO);
    const first = await bus.open(identity!.connectionId, IO);
    expect((await rejection(bus.open(identity!.connectionId, IO))).code).toBe('usb-busy');
    await first.close();
    const again = await bus.open(identity!.connectionId, IO);
    webusb.unplug(device);
    expect((await rejection(bus.open(identity!.connectionId, IO))).code).toBe('device-gone');
    await again.close();
    await bus.close();
  });

  it('closes an open that completes after it timed out', async () => {
    const device = new FakeDevice({ handle: 'h' });
    const clock = new VirtualClock();
    const bus = createUsbBackend({ clock, webusb: new FakeWebUsb([device]), platform: 'linux' });
    const [identity] = await bus.list(IO);
    let finishOpen: () => void = () => undefined;
    device.openImpl = () =>
      new Promise<void>((resolve) => {
        finishOpen = () => {
          device.opened = true;
          resolve();
        };
      });
    const pending = rejection(bus.open(identity!.connectionId, { timeoutMs: 100 }));
    await flush();
    clock.advance(100);
    expect((await pending).code).toBe('timeout');
    finishOpen();
    await flush();
    expect(device.opened).toBe(false);
    await bus.close();
  });

  it('closes every open handle when the bus closes', async () => {
    const { device, transport, close } = await opened();
    await close();
    expect(device.calls).toContain('close');
    expect(isAppError(await rejection(transport.claimInterface(0, IO)), 'internal')).toBe(true);
  });
});
