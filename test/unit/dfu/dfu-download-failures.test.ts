import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import { DFU_STATE, DFU_STATUS } from '../../../main/dfu/dfu-status.js';
import { DFU, FakeUsbTransport, step } from './fake-usb-transport.js';
import { configDescriptor, openClient, ROM_FUNCTIONAL, UBOOT_FUNCTIONAL } from './descriptor-fixtures.js';
import { blockSteps, bytes, chunksOf, dnloadValues } from './download-helpers.js';

const S = DFU_STATE;
const MP15_ROM = configDescriptor({ altCount: 6, functional: ROM_FUNCTIONAL, iInterfaceBase: 6 });
const TFA_MP13 = configDescriptor({ altCount: 2, functional: ROM_FUNCTIONAL, iInterfaceBase: 6 });
const UBOOT = configDescriptor({ altCount: 4, functional: UBOOT_FUNCTIONAL, iInterfaceBase: 5, maxPower: 1 });

describe('download: device-side failures', () => {
  it('dfuERROR after a block: CLRSTATUS, then a dfu-status-error with what was seen and expected; no ZLP', async () => {
    const fake = new FakeUsbTransport();
    const { client, anomalies } = await openClient(fake, UBOOT);
    fake.script(
      step.setAlt(1),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 4096),
      step.getStatus(S.dfuDNLOAD_IDLE),
      step.dnload(1, 4096),
      step.getStatus(S.dfuERROR, { status: DFU_STATUS.errWRITE }),
      step.clrStatus(),
    );
    await expect(
      client.download({
        alternate: 1,
        source: chunksOf(bytes(10_000), 10_000),
        totalBytes: 10_000,
        context: 'phase 0x12',
      }),
    ).rejects.toSatisfy(
      (e: unknown) =>
        isAppError(e, 'dfu-status-error') &&
        e.fields.state === 10 &&
        e.fields.statusName === 'errWRITE' &&
        JSON.stringify(e.fields.expectedStates) === '["dfuDNLOAD-IDLE"]' &&
        e.fields.context === 'phase 0x12: block 1' &&
        e.hint !== null,
    );
    expect(anomalies).toMatchObject([{ kind: 'status-error-recovered', statusName: 'errWRITE' }]);
    fake.assertDone();
  });

  it('a stalled DNLOAD (TF-A wrong phase) reads the status but does not CLRSTATUS outside dfuERROR', async () => {
    const fake = new FakeUsbTransport();
    const { client, anomalies } = await openClient(fake, MP15_ROM);
    fake.script(
      step.setAlt(4),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 1024, 'stall'),
      step.getStatus(S.dfuIDLE),
    );
    await expect(
      client.download({ alternate: 4, source: chunksOf(bytes(2000), 2000), totalBytes: 2000 }),
    ).rejects.toSatisfy(
      (e: unknown) =>
        isAppError(e, 'stall') && e.fields.request === 'DNLOAD' && e.fields.stateName === 'dfuIDLE',
    );
    expect(fake.controlCalls(DFU.CLRSTATUS)).toEqual([]);
    expect(anomalies).toMatchObject([{ kind: 'stall', request: 'DNLOAD' }]);
    fake.assertDone();
  });

  it('a stalled DNLOAD that left dfuERROR is cleared so GetPhase can run next', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 8, 'stall'),
      step.getStatus(S.dfuERROR, { status: DFU_STATUS.errUNKNOWN }),
      step.clrStatus(),
    );
    await expect(
      client.download({ alternate: 0, source: chunksOf(bytes(8), 8), totalBytes: 8 }),
    ).rejects.toSatisfy((e: unknown) => isAppError(e, 'stall') && e.fields.statusName === 'errUNKNOWN');
    fake.assertDone();
  });

  it('a stalled ZLP is reported as the end of download failing', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, TFA_MP13);
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 4),
      step.getStatus(S.dfuDNLOAD_IDLE),
      step.dnload(1, 0, 'stall'),
      step.getStatus(S.dfuDNLOAD_IDLE),
    );
    await expect(
      client.download({ alternate: 0, source: chunksOf(bytes(4), 4), totalBytes: 4 }),
    ).rejects.toSatisfy(
      (e: unknown) =>
        isAppError(e, 'stall') &&
        String(e.fields.context).includes('end of download') &&
        e.fields.blockNumber === 1,
    );
    fake.assertDone();
  });

  it('an image rejected during manifestation (7 then 0x0E/10) is a status error after CLRSTATUS', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, TFA_MP13);
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 4),
      step.getStatus(S.dfuDNLOAD_IDLE, { pollMs: 1 }),
      step.dnload(1, 0),
      step.getStatus(S.dfuMANIFEST, { pollMs: 1 }),
      step.getStatus(S.dfuERROR, { status: DFU_STATUS.errUNKNOWN }),
      step.clrStatus(),
    );
    await expect(
      client.download({ alternate: 0, source: chunksOf(bytes(4), 4), totalBytes: 4 }),
    ).rejects.toSatisfy(
      (e: unknown) => isAppError(e, 'dfu-status-error') && String(e.fields.context).endsWith('manifestation'),
    );
    fake.assertDone();
  });

  it('an unexpected state after a block is an error naming it', async () => {
    const fake = new FakeUsbTransport();
    const { client, anomalies } = await openClient(fake, UBOOT);
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 4),
      step.getStatus(S.dfuUPLOAD_IDLE),
    );
    await expect(
      client.download({ alternate: 0, source: chunksOf(bytes(4), 4), totalBytes: 4 }),
    ).rejects.toSatisfy(
      (e: unknown) => isAppError(e, 'dfu-unexpected-state') && e.fields.stateName === 'dfuUPLOAD-IDLE',
    );
    expect(anomalies).toMatchObject([{ kind: 'unexpected-state', stateName: 'dfuUPLOAD-IDLE' }]);
  });

  it('a transport timeout keeps its code and names the block', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 4096),
      step.getStatus(S.dfuDNLOAD_IDLE),
      step.dnload(1, 4096, { error: 'timeout' }),
    );
    await expect(
      client.download({ alternate: 0, source: chunksOf(bytes(8192), 8192), totalBytes: 8192 }),
    ).rejects.toSatisfy(
      (e: unknown) => isAppError(e, 'timeout') && e.fields.request === 'DNLOAD' && e.fields.blockNumber === 1,
    );
    fake.assertDone();
  });
});

describe('download: polling limits', () => {
  it('gives up with a timeout when the device stays busy beyond the poll budget', async () => {
    const fake = new FakeUsbTransport();
    const { client, clock, anomalies } = await openClient(fake, MP15_ROM, {
      timeouts: { pollBudgetMs: 5000 },
    });
    fake.script(step.setAlt(1), step.getStatus(S.dfuIDLE), step.dnload(0, 4));
    fake.fallback = () => ({ ok: Uint8Array.of(0, 0xe8, 0x03, 0, S.dfuDNBUSY, 0) }); // 1000 ms, dfuDNBUSY
    await expect(
      client.download({ alternate: 1, source: chunksOf(bytes(4), 4), totalBytes: 4 }),
    ).rejects.toSatisfy((e: unknown) => isAppError(e, 'timeout') && e.fields.stateName === 'dfuDNBUSY');
    expect(clock.nowMs()).toBe(6000);
    expect(anomalies).toMatchObject([{ kind: 'poll-budget-exceeded', polls: 6, elapsedMs: 6000 }]);
  });

  it('clamps an absurd bwPollTimeout and reports it', async () => {
    const fake = new FakeUsbTransport();
    const { client, clock, anomalies } = await openClient(fake, MP15_ROM, {
      timeouts: { maxPollTimeoutMs: 100 },
    });
    fake.script(
      step.setAlt(1),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 4),
      step.getStatus(S.dfuDNBUSY, { pollMs: 0xffffff }),
      step.getStatus(S.dfuDNLOAD_IDLE),
      step.dnload(1, 0),
      step.getStatus(S.dfuIDLE),
    );
    await client.download({ alternate: 1, source: chunksOf(bytes(4), 4), totalBytes: 4 });
    expect(clock.nowMs()).toBe(100);
    expect(anomalies).toMatchObject([{ kind: 'poll-timeout-clamped', requestedMs: 0xffffff, usedMs: 100 }]);
  });
});

describe('download: host-side failures and cancellation', () => {
  it('refuses an empty image without any I/O', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    const before = fake.log.length;
    await expect(
      client.download({ alternate: 0, source: chunksOf(new Uint8Array(0), 1), totalBytes: 0 }),
    ).rejects.toSatisfy((e: unknown) => isAppError(e, 'bad-input'));
    expect(fake.log.length).toBe(before);
  });

  it('a source shorter than declared never sends the ZLP and aborts the transfer', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, MP15_ROM);
    fake.script(
      step.setAlt(1),
      step.getStatus(S.dfuIDLE),
      ...blockSteps([1024, 1024], [step.getStatus(S.dfuDNLOAD_IDLE)]),
      step.abort(),
    );
    await expect(
      client.download({ alternate: 1, source: chunksOf(bytes(2048), 2048), totalBytes: 3000 }),
    ).rejects.toSatisfy((e: unknown) => isAppError(e, 'bad-input') && e.fields.sentBytes === 2048);
    expect(dnloadValues(fake)).toEqual([0, 1]);
    fake.assertDone();
  });

  it('a source longer than declared is refused before the extra block', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, MP15_ROM);
    fake.script(
      step.setAlt(1),
      step.getStatus(S.dfuIDLE),
      ...blockSteps([1024], [step.getStatus(S.dfuDNLOAD_IDLE)]),
      step.abort(),
    );
    await expect(
      client.download({ alternate: 1, source: chunksOf(bytes(2048), 2048), totalBytes: 1024 }),
    ).rejects.toSatisfy((e: unknown) => isAppError(e, 'bad-input'));
    fake.assertDone();
  });

  it('a failing source surfaces its error and the device is aborted', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, MP15_ROM);
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield await Promise.resolve(bytes(1024));
      throw new Error('disk gone');
    }
    fake.script(
      step.setAlt(1),
      step.getStatus(S.dfuIDLE),
      ...blockSteps([1024], [step.getStatus(S.dfuDNLOAD_IDLE)]),
      step.abort(),
    );
    await expect(client.download({ alternate: 1, source: failing(), totalBytes: 4096 })).rejects.toThrow(
      'disk gone',
    );
    fake.assertDone();
  });

  it('cancellation between blocks: aborted, then a DFU ABORT without the fired signal', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    const controller = new AbortController();
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 4096),
      step.getStatus(S.dfuDNLOAD_IDLE),
      step.abort(),
    );
    await expect(
      client.download({
        alternate: 0,
        source: chunksOf(bytes(9000), 9000),
        totalBytes: 9000,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      }),
    ).rejects.toSatisfy((e: unknown) => isAppError(e, 'aborted'));
    fake.assertDone();
  });

  it('cancellation during a DNLOAD: aborted, and no request is sent into the unknown state', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    const controller = new AbortController();
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 4096),
      step.getStatus(S.dfuDNLOAD_IDLE),
      step.dnload(1, 4096, 'hang'),
    );
    const running = client.download({
      alternate: 0,
      source: chunksOf(bytes(9000), 9000),
      totalBytes: 9000,
      signal: controller.signal,
    });
    while (fake.remaining() > 0) await new Promise((resolve) => setImmediate(resolve));
    const callsBefore = fake.log.length;
    controller.abort();
    await expect(running).rejects.toSatisfy((e: unknown) => isAppError(e, 'aborted'));
    expect(fake.log.length).toBe(callsBefore);
    fake.assertDone();
  });
});
