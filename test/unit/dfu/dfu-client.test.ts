import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import { VirtualClock } from '../../../main/core/clock.js';
import { DfuClient } from '../../../main/dfu/dfu-client.js';
import { DFU_STATE, DFU_STATUS } from '../../../main/dfu/dfu-status.js';
import { DFU, FakeUsbTransport, step } from './fake-usb-transport.js';
import {
  configDescriptor,
  openClient,
  openSteps,
  ROM_FUNCTIONAL,
  stringDescriptor,
  UBOOT_FUNCTIONAL,
} from './descriptor-fixtures.js';

const MP15_ROM = configDescriptor({ altCount: 6, functional: ROM_FUNCTIONAL, iInterfaceBase: 6 });
const UBOOT = configDescriptor({ altCount: 4, functional: UBOOT_FUNCTIONAL, iInterfaceBase: 5, maxPower: 1 });
const S = DFU_STATE;

describe('DfuClient.open', () => {
  it('selects configuration 1, claims interface 0 and learns wTransferSize from the descriptor set', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    expect(client.transferSizeBytes).toBe(4096);
    expect(client.alts.map((a) => a.alternateSetting)).toEqual([0, 1, 2, 3]);
    expect(fake.log.slice(0, 2)).toMatchObject([
      { kind: 'config', value: 1 },
      { kind: 'claim', interfaceNumber: 0 },
    ]);
    fake.assertDone();
  });

  it('falls back to a GET_DESCRIPTOR(0x21) on the interface when the set has no functional descriptor', async () => {
    const bare = configDescriptor({ altCount: 2, functional: null, iInterfaceBase: 6 });
    const fake = new FakeUsbTransport().script(...openSteps(bare), {
      expect: {
        kind: 'in',
        request: 6,
        requestType: 'standard',
        recipient: 'interface',
        value: 0x2100,
        index: 0,
        length: 9,
      },
      reply: { ok: Uint8Array.of(9, 0x21, 0x0f, 0xff, 0, 0, 4, 0x10, 1) },
    });
    const client = await DfuClient.open(fake, { clock: new VirtualClock() });
    expect(client.transferSizeBytes).toBe(1024);
    fake.assertDone();
  });

  it('fails with dfu-descriptor-missing when no functional descriptor can be found', async () => {
    const bare = configDescriptor({ altCount: 2, functional: null, iInterfaceBase: 6 });
    const fake = new FakeUsbTransport().script(...openSteps(bare), {
      expect: { kind: 'in', request: 6, recipient: 'interface', value: 0x2100 },
      reply: 'stall',
    });
    await expect(DfuClient.open(fake, { clock: new VirtualClock() })).rejects.toSatisfy((e: unknown) =>
      isAppError(e, 'dfu-descriptor-missing'),
    );
  });

  it('reads alt names from string descriptors', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(
      fake,
      configDescriptor({ altCount: 2, functional: ROM_FUNCTIONAL, iInterfaceBase: 6 }),
    );
    fake.script(
      step.getDescriptor(3, 6, 255, stringDescriptor('@SSBL /0x03/1*16Me'), 0x0409),
      step.getDescriptor(3, 7, 255, stringDescriptor('@virtual /0xF1/1*512Ba'), 0x0409),
    );
    expect(await client.readAltNames()).toEqual([
      { index: 0, name: '@SSBL /0x03/1*16Me' },
      { index: 1, name: '@virtual /0xF1/1*512Ba' },
    ]);
    fake.assertDone();
  });
});

describe('selectAlternate', () => {
  it('refuses an alt the device does not have without any I/O', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    await expect(client.selectAlternate(9)).rejects.toSatisfy((e: unknown) => isAppError(e, 'alt-not-found'));
    fake.assertDone();
  });

  it('reports a stalled SET_INTERFACE', async () => {
    const fake = new FakeUsbTransport();
    const { client, anomalies } = await openClient(fake, UBOOT);
    fake.script(step.setAlt(2, 'stall'));
    await expect(client.selectAlternate(2)).rejects.toSatisfy((e: unknown) => isAppError(e, 'stall'));
    expect(anomalies).toMatchObject([{ kind: 'stall', request: 'SET_INTERFACE' }]);
    expect(client.selectedAlternate).toBeNull();
  });
});

describe('ensureIdle', () => {
  it('is one GETSTATUS when the device is idle', async () => {
    const fake = new FakeUsbTransport();
    const { client, anomalies } = await openClient(fake, UBOOT);
    fake.script(step.getStatus(S.dfuIDLE));
    expect((await client.ensureIdle()).state).toBe(S.dfuIDLE);
    expect(anomalies).toEqual([]);
    fake.assertDone();
  });

  it('clears dfuERROR with CLRSTATUS and reports the recovery', async () => {
    const fake = new FakeUsbTransport();
    const { client, anomalies } = await openClient(fake, MP15_ROM);
    fake.script(
      step.getStatus(S.dfuERROR, { status: DFU_STATUS.errUNKNOWN }),
      step.clrStatus(),
      step.getStatus(S.dfuIDLE),
    );
    await client.ensureIdle();
    expect(anomalies).toMatchObject([
      { kind: 'status-error-recovered', status: 0x0e, statusName: 'errUNKNOWN', stateName: 'dfuERROR' },
    ]);
    fake.assertDone();
  });

  it.each([
    [S.dfuDNLOAD_IDLE, 'dfuDNLOAD-IDLE'],
    [S.dfuUPLOAD_IDLE, 'dfuUPLOAD-IDLE'],
  ])('aborts from state %i (%s)', async (state, name) => {
    const fake = new FakeUsbTransport();
    const { client, anomalies } = await openClient(fake, UBOOT);
    fake.script(step.getStatus(state), step.abort(), step.getStatus(S.dfuIDLE));
    await client.ensureIdle();
    expect(anomalies).toMatchObject([{ kind: 'unexpected-state', stateName: name, action: 'abort' }]);
    fake.assertDone();
  });

  it('polls out of dfuMANIFEST with the long manifestation timeout, never ABORT or CLRSTATUS', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(
      { ...step.getStatus(S.dfuMANIFEST), timeoutMs: 5000 },
      { ...step.getStatus(S.dfuIDLE), timeoutMs: 30_000 },
    );
    await client.ensureIdle();
    fake.assertDone();
  });

  it.each([S.appIDLE, S.appDETACH, S.dfuMANIFEST_WAIT_RESET, 0x42])(
    'gives up on state %i without touching it',
    async (state) => {
      const fake = new FakeUsbTransport();
      const { client } = await openClient(fake, UBOOT);
      fake.script(step.getStatus(state));
      await expect(client.ensureIdle()).rejects.toSatisfy(
        (e: unknown) =>
          isAppError(e, 'dfu-unexpected-state') &&
          e.fields.state === state &&
          JSON.stringify(e.fields.expectedStates) === '["dfuIDLE"]',
      );
      fake.assertDone();
    },
  );

  it('never sends CLRSTATUS in a state other than dfuERROR (TF-A trap, §3.3)', async () => {
    for (const state of [
      S.dfuIDLE,
      S.dfuDNLOAD_SYNC,
      S.dfuDNBUSY,
      S.dfuDNLOAD_IDLE,
      S.dfuMANIFEST_SYNC,
      S.dfuMANIFEST,
      S.dfuUPLOAD_IDLE,
    ]) {
      const fake = new FakeUsbTransport();
      const { client } = await openClient(fake, MP15_ROM);
      fake.script(step.getStatus(state));
      fake.fallback = (call) => (call.kind === 'in' ? { ok: Uint8Array.of(0, 0, 0, 0, S.dfuIDLE, 0) } : 'ok');
      await client.ensureIdle();
      expect(fake.controlCalls(DFU.CLRSTATUS)).toEqual([]);
    }
  });

  it('honours bwPollTimeout between polls through the clock', async () => {
    const fake = new FakeUsbTransport();
    const { client, clock } = await openClient(fake, MP15_ROM);
    fake.script(
      step.getStatus(S.dfuDNBUSY, { pollMs: 40 }),
      step.getStatus(S.dfuDNLOAD_IDLE, { pollMs: 2 }),
      step.abort(),
      step.getStatus(S.dfuIDLE),
    );
    await client.ensureIdle();
    expect(clock.nowMs()).toBe(42);
    fake.assertDone();
  });
});

describe('detach', () => {
  it('sends DETACH with wDetachTimeOut and reports acceptance', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, MP15_ROM);
    fake.script({ expect: { kind: 'out', request: DFU.DETACH, value: 255, dataLength: 0 } });
    expect(await client.detach()).toEqual({ outcome: 'accepted' });
    fake.assertDone();
  });

  it.each([
    ['stall', 'stall' as const],
    ['device-gone', { error: 'device-gone' as const, message: 'LIBUSB_ERROR_NO_DEVICE' }],
    ['transfer-failed', { error: 'transfer-failed' as const, message: 'LIBUSB_ERROR_IO' }],
  ])('tolerates a %s while the board leaves, as an anomaly', async (code, reply) => {
    const fake = new FakeUsbTransport();
    const { client, anomalies } = await openClient(fake, UBOOT);
    fake.script(step.detach(reply));
    expect(await client.detach()).toMatchObject({ outcome: 'tolerated-failure', code });
    expect(anomalies).toMatchObject([{ kind: 'detach-failure-tolerated', code }]);
  });

  it('does not hide a timeout or a cancellation', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(step.detach({ error: 'timeout' }));
    await expect(client.detach()).rejects.toSatisfy((e: unknown) => isAppError(e, 'timeout'));
  });

  it('with checkIdleFirst (U-Boot) brings the device to dfuIDLE before DETACH', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(step.getStatus(S.dfuDNLOAD_IDLE), step.abort(), step.getStatus(S.dfuIDLE), {
      expect: { kind: 'out', request: DFU.DETACH, value: 1000 },
    });
    expect(await client.detach({ checkIdleFirst: true })).toEqual({ outcome: 'accepted' });
    fake.assertDone();
  });
});

describe('request wrappers', () => {
  it('turns a stalled GETSTATUS into a stall error and an anomaly', async () => {
    const fake = new FakeUsbTransport();
    const { client, anomalies } = await openClient(fake, UBOOT);
    fake.script({ expect: { kind: 'in', request: DFU.GETSTATUS }, reply: 'stall' });
    await expect(client.getStatus()).rejects.toSatisfy(
      (e: unknown) => isAppError(e, 'stall') && e.fields.request === 'GETSTATUS',
    );
    expect(anomalies).toMatchObject([{ kind: 'stall', request: 'GETSTATUS' }]);
  });

  it('reads the state with GETSTATE', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(step.getState(S.dfuUPLOAD_IDLE));
    expect(await client.getState()).toBe(S.dfuUPLOAD_IDLE);
  });

  it('fails fast with aborted when the signal already fired', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    const controller = new AbortController();
    controller.abort();
    await expect(client.getStatus({ signal: controller.signal })).rejects.toSatisfy((e: unknown) =>
      isAppError(e, 'aborted'),
    );
    fake.assertDone();
  });

  it('close() releases the transport', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    await client.close();
    expect(fake.closed).toBe(1);
  });
});
