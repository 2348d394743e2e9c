import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import { DFU_STATE, DFU_STATUS } from '../../../main/dfu/dfu-status.js';
import { DFU, FakeUsbTransport, step } from './fake-usb-transport.js';
import { configDescriptor, openClient, ROM_FUNCTIONAL, UBOOT_FUNCTIONAL } from './descriptor-fixtures.js';

const S = DFU_STATE;
const UBOOT = configDescriptor({ altCount: 4, functional: UBOOT_FUNCTIONAL, iInterfaceBase: 5, maxPower: 1 });
const TFA_MP2 = configDescriptor({ altCount: 3, functional: ROM_FUNCTIONAL, iInterfaceBase: 6 });

const filled = (length: number, value: number): Uint8Array => new Uint8Array(length).fill(value);

describe('upload', () => {
  it('asks for wTransferSize (4096 on U-Boot) by default and stops at the short packet', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(step.setAlt(2), step.getStatus(S.dfuIDLE), step.upload(0, 4096, filled(776, 0xab)));
    const data = await client.upload({ alternate: 2 });
    expect(data.length).toBe(776);
    fake.assertDone();
  });

  it('numbers blocks 0,1,2 and joins them in order', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.upload(0, 4096, filled(4096, 1)),
      step.upload(1, 4096, filled(4096, 2)),
      step.upload(2, 4096, filled(10, 3)),
    );
    const chunks: number[] = [];
    const data = await client.upload({ alternate: 0, onChunk: (c) => chunks.push(c.length) });
    expect(chunks).toEqual([4096, 4096, 10]);
    expect([data[0], data[4096], data[8192], data.length]).toEqual([1, 2, 3, 8202]);
    fake.assertDone();
  });

  it('treats an empty reply after full packets as the end', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.upload(0, 4096, filled(4096, 1)),
      step.upload(1, 4096, new Uint8Array(0)),
    );
    expect((await client.upload({ alternate: 0 })).length).toBe(4096);
    fake.assertDone();
  });

  it('uses the requested length (512 on the virtual alt)', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(step.setAlt(1), step.getStatus(S.dfuIDLE), step.upload(0, 512, filled(10, 0)));
    await client.upload({ alternate: 1, requestLengthBytes: 512 });
    fake.assertDone();
  });

  it('stops at maxBytes with an ABORT (leaving dfuUPLOAD-IDLE legally) and reports it', async () => {
    const fake = new FakeUsbTransport();
    const { client, anomalies } = await openClient(fake, UBOOT);
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.upload(0, 4096, filled(4096, 1)),
      step.upload(1, 4096, filled(4096, 1)),
      step.abort(),
    );
    const data = await client.upload({ alternate: 0, maxBytes: 8192 });
    expect(data.length).toBe(8192);
    expect(anomalies).toMatchObject([{ kind: 'upload-truncated', receivedBytes: 8192, maxBytes: 8192 }]);
    fake.assertDone();
  });

  it('with collect: false keeps nothing but still streams the chunks', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.upload(0, 4096, filled(4096, 1)),
      step.upload(1, 4096, filled(5, 1)),
    );
    let seen = 0;
    const data = await client.upload({ alternate: 0, collect: false, onChunk: (c) => (seen += c.length) });
    expect([data.length, seen]).toEqual([0, 4101]);
  });

  it('TF-A refusing a non-command alt: stall, dfuERROR/errSTALLEDPKT is cleared, stall error thrown', async () => {
    const fake = new FakeUsbTransport();
    const { client, anomalies } = await openClient(fake, TFA_MP2);
    fake.script(
      step.setAlt(1),
      step.getStatus(S.dfuIDLE),
      step.upload(0, 1024, 'stall'),
      step.getStatus(S.dfuERROR, { status: DFU_STATUS.errSTALLEDPKT }),
      step.clrStatus(),
    );
    await expect(client.upload({ alternate: 1 })).rejects.toSatisfy(
      (e: unknown) =>
        isAppError(e, 'stall') && e.fields.request === 'UPLOAD' && e.fields.statusName === 'errSTALLEDPKT',
    );
    expect(anomalies.map((a) => a.kind)).toEqual(['stall', 'status-error-recovered']);
    fake.assertDone();
  });

  it('rejects an invalid request length before any I/O', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    await expect(client.upload({ alternate: 0, requestLengthBytes: 0x10000 })).rejects.toSatisfy(
      (e: unknown) => isAppError(e, 'bad-input'),
    );
    expect(fake.controlCalls(DFU.UPLOAD)).toEqual([]);
  });
});
