import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import {
  dfuAbort,
  dfuClrStatus,
  dfuDetach,
  dfuDnload,
  dfuGetState,
  dfuGetStatus,
  dfuUpload,
} from '../../../main/dfu/dfu-requests.js';
import { DFU, FakeUsbTransport, step } from './fake-usb-transport.js';

const io = { timeoutMs: 5000 };

function classCall(fake: FakeUsbTransport) {
  const call = fake.log[0]!;
  if (call.kind !== 'in' && call.kind !== 'out') throw new Error('not a control call');
  return call;
}

describe('DFU class requests', () => {
  it('DETACH: OUT, class, interface, wValue = timeout, wIndex = interface, no data', async () => {
    const fake = new FakeUsbTransport().script({ expect: { kind: 'out', request: DFU.DETACH } });
    expect(await dfuDetach(fake, 2, 255, io)).toEqual({ status: 'ok', bytesWritten: 0 });
    const call = classCall(fake);
    expect(call.setup).toEqual({
      requestType: 'class',
      recipient: 'interface',
      request: 0,
      value: 255,
      index: 2,
    });
    expect(call.kind === 'out' && call.data.length).toBe(0);
    fake.assertDone();
  });

  it('DETACH clamps the timeout to 16 bits', async () => {
    const fake = new FakeUsbTransport().script({
      expect: { kind: 'out', request: DFU.DETACH, value: 0xffff },
    });
    await dfuDetach(fake, 0, 100_000, io);
    fake.assertDone();
  });

  it('DNLOAD: wValue = block number, payload as given; the ZLP is an empty DNLOAD', async () => {
    const fake = new FakeUsbTransport().script(step.dnload(7, 3), step.dnload(8, 0));
    await dfuDnload(fake, 0, 7, Uint8Array.of(1, 2, 3), io);
    await dfuDnload(fake, 0, 8, new Uint8Array(0), io);
    const first = fake.log[0]!;
    expect(first.kind === 'out' && Array.from(first.data)).toEqual([1, 2, 3]);
    fake.assertDone();
  });

  it('DNLOAD: a short write is a protocol error', async () => {
    const fake = new FakeUsbTransport().script(step.dnload(0, 4, { written: 2 }));
    await expect(dfuDnload(fake, 0, 0, new Uint8Array(4), io)).rejects.toSatisfy(
      (e: unknown) => isAppError(e, 'dfu-protocol') && e.fields.bytesWritten === 2,
    );
  });

  it('DNLOAD: a stall is a result, not an exception', async () => {
    const fake = new FakeUsbTransport().script(step.dnload(0, 1, 'stall'));
    expect(await dfuDnload(fake, 0, 0, new Uint8Array(1), io)).toEqual({ status: 'stall' });
  });

  it('UPLOAD: IN, wValue = block number, wLength as asked', async () => {
    const fake = new FakeUsbTransport().script(step.upload(3, 4096, Uint8Array.of(9)));
    const result = await dfuUpload(fake, 0, 3, 4096, io);
    expect(result.status === 'ok' && Array.from(result.data)).toEqual([9]);
    expect(classCall(fake).setup.request).toBe(2);
    fake.assertDone();
  });

  it('GETSTATUS: IN 6 bytes, decoded', async () => {
    const fake = new FakeUsbTransport().script(step.getStatus(5, { pollMs: 1 }));
    const result = await dfuGetStatus(fake, 0, io);
    expect(result).toMatchObject({ status: 'ok', value: { state: 5, pollTimeoutMs: 1 } });
    fake.assertDone();
  });

  it('GETSTATUS: a short reply is a protocol error carrying the bytes', async () => {
    const fake = new FakeUsbTransport().script({
      expect: { kind: 'in', request: DFU.GETSTATUS },
      reply: { ok: Uint8Array.of(0, 0) },
    });
    await expect(dfuGetStatus(fake, 0, io)).rejects.toSatisfy(
      (e: unknown) => isAppError(e, 'dfu-protocol') && JSON.stringify(e.fields.replyBytes) === '[0,0]',
    );
  });

  it('CLRSTATUS, GETSTATE and ABORT use requests 4, 5, 6', async () => {
    const fake = new FakeUsbTransport().script(step.clrStatus(), step.getState(2), step.abort());
    await dfuClrStatus(fake, 0, io);
    expect(await dfuGetState(fake, 0, io)).toEqual({ status: 'ok', state: 2, stateName: 'dfuIDLE' });
    await dfuAbort(fake, 0, io);
    expect(fake.log.map((c) => (c.kind === 'in' || c.kind === 'out' ? c.setup.request : -1))).toEqual([
      4, 5, 6,
    ]);
    fake.assertDone();
  });

  it('keeps the transport error code and names the request', async () => {
    const fake = new FakeUsbTransport().script(step.dnload(4, 2, { error: 'timeout' }));
    await expect(dfuDnload(fake, 0, 4, new Uint8Array(2), io)).rejects.toSatisfy(
      (e: unknown) => isAppError(e, 'timeout') && e.fields.request === 'DNLOAD' && e.fields.blockNumber === 4,
    );
  });

  it('passes timeoutMs through to the transport', async () => {
    const fake = new FakeUsbTransport().script({ ...step.getStatus(2), timeoutMs: 1234 });
    await dfuGetStatus(fake, 0, { timeoutMs: 1234 });
    fake.assertDone();
  });
});
