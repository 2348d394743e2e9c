import { describe, expect, it } from 'vitest';
import { DFU_STATE, DFU_STATUS } from '../../../main/dfu/dfu-status.js';
import { DFU, FakeUsbTransport, step, type FakeCall, type FakeReply } from './fake-usb-transport.js';
import { configDescriptor, openClient, ROM_FUNCTIONAL, UBOOT_FUNCTIONAL } from './descriptor-fixtures.js';
import { blockSteps, bytes, chunksOf } from './download-helpers.js';

const S = DFU_STATE;
const MP15_ROM = configDescriptor({ altCount: 6, functional: ROM_FUNCTIONAL, iInterfaceBase: 6 });
const TFA_MP13 = configDescriptor({ altCount: 2, functional: ROM_FUNCTIONAL, iInterfaceBase: 6 });
const UBOOT = configDescriptor({ altCount: 4, functional: UBOOT_FUNCTIONAL, iInterfaceBase: 5, maxPower: 1 });

describe('download: per-stage status patterns', () => {
  it('MP15 ROM: 4 then 5 per block (1 ms each), ZLP, stops at dfuMANIFEST; the clock advanced by every bwPollTimeout', async () => {
    const fake = new FakeUsbTransport();
    const { client, clock } = await openClient(fake, MP15_ROM);
    const image = bytes(2500);
    const perBlock = [
      step.getStatus(S.dfuDNBUSY, { pollMs: 1 }),
      step.getStatus(S.dfuDNLOAD_IDLE, { pollMs: 1 }),
    ];
    fake.script(
      step.setAlt(1),
      step.getStatus(S.dfuIDLE),
      ...blockSteps([1024, 1024, 452], perBlock),
      step.dnload(3, 0),
      step.getStatus(S.dfuMANIFEST, { pollMs: 1 }),
    );
    const result = await client.download({
      alternate: 1,
      source: chunksOf(image, 700),
      totalBytes: 2500,
      end: 'manifest',
    });
    expect(result).toMatchObject({
      sentBytes: 2500,
      blocks: 3,
      zlpBlockNumber: 3,
      finalStateName: 'dfuMANIFEST',
    });
    expect(clock.nowMs()).toBe(7);
    expect(result.elapsedMs).toBe(7);
    const sent = fake.controlCalls(DFU.DNLOAD).flatMap((c) => (c.kind === 'out' ? Array.from(c.data) : []));
    expect(sent).toEqual(Array.from(image));
    fake.assertDone();
  });

  it('TF-A: 3 then 5 per block, then MANIFEST (1 ms) and dfuIDLE', async () => {
    const fake = new FakeUsbTransport();
    const { client, clock } = await openClient(fake, TFA_MP13);
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      ...blockSteps([1024, 1], [step.getStatus(S.dfuDNLOAD_SYNC), step.getStatus(S.dfuDNLOAD_IDLE)]),
      step.dnload(2, 0),
      step.getStatus(S.dfuMANIFEST, { pollMs: 1 }),
      step.getStatus(S.dfuIDLE),
    );
    const result = await client.download({
      alternate: 0,
      source: chunksOf(bytes(1025), 4096),
      totalBytes: 1025,
    });
    expect(result.finalStateName).toBe('dfuIDLE');
    expect(clock.nowMs()).toBe(1);
    fake.assertDone();
  });

  it('U-Boot: 5 directly; 30 s for DNLOAD and for the GETSTATUS after the ZLP, 5 s otherwise', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(
      step.setAlt(2),
      { ...step.getStatus(S.dfuIDLE), timeoutMs: 5000 },
      step.dnload(0, 4096, 'ok', 30_000),
      { ...step.getStatus(S.dfuDNLOAD_IDLE), timeoutMs: 5000 },
      step.dnload(1, 100, 'ok', 30_000),
      { ...step.getStatus(S.dfuDNLOAD_IDLE), timeoutMs: 5000 },
      step.dnload(2, 0, 'ok', 30_000),
      { ...step.getStatus(S.dfuMANIFEST), timeoutMs: 30_000 },
      { ...step.getStatus(S.dfuIDLE), timeoutMs: 30_000 },
    );
    const progress: [number, number][] = [];
    await client.download({
      alternate: 2,
      source: chunksOf(bytes(4196), 1000),
      totalBytes: 4196,
      onProgress: (s, t) => progress.push([s, t]),
    });
    expect(progress).toEqual([
      [4096, 4196],
      [4196, 4196],
    ]);
    fake.assertDone();
  });

  it('takes the long timeouts as parameters', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 10, 'ok', 90_000),
      step.getStatus(S.dfuDNLOAD_IDLE),
      step.dnload(1, 0, 'ok', 90_000),
      { ...step.getStatus(S.dfuIDLE), timeoutMs: 120_000 },
    );
    await client.download({
      alternate: 0,
      source: chunksOf(bytes(10), 10),
      totalBytes: 10,
      dnloadTimeoutMs: 90_000,
      manifestStatusTimeoutMs: 120_000,
    });
    fake.assertDone();
  });

  it("end 'manifest' also accepts a device that goes straight to dfuIDLE", async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, MP15_ROM);
    fake.script(
      step.setAlt(1),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 5),
      step.getStatus(S.dfuDNLOAD_IDLE),
      step.dnload(1, 0),
      step.getStatus(S.dfuIDLE),
    );
    expect(
      (await client.download({ alternate: 1, source: chunksOf(bytes(5), 5), totalBytes: 5, end: 'manifest' }))
        .finalState,
    ).toBe(S.dfuIDLE);
    fake.assertDone();
  });

  it('recovers a device found in dfuERROR before the first block (CLRSTATUS only there)', async () => {
    const fake = new FakeUsbTransport();
    const { client, anomalies } = await openClient(fake, UBOOT);
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuERROR, { status: DFU_STATUS.errUNKNOWN }),
      step.clrStatus(),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 3),
      step.getStatus(S.dfuDNLOAD_IDLE),
      step.dnload(1, 0),
      step.getStatus(S.dfuMANIFEST),
      step.getStatus(S.dfuIDLE),
    );
    await client.download({ alternate: 0, source: chunksOf(bytes(3), 3), totalBytes: 3 });
    expect(anomalies.map((a) => a.kind)).toEqual(['status-error-recovered']);
    fake.assertDone();
  });
});

describe('download: block numbering', () => {
  function countingDevice(fake: FakeUsbTransport): { values: number[]; zlps: number } {
    const seen = { values: [] as number[], zlps: 0 };
    let state: number = S.dfuIDLE;
    fake.recordLog = false;
    fake.fallback = (call: FakeCall): FakeReply => {
      if (call.kind === 'out' && call.setup.request === DFU.DNLOAD) {
        if (call.data.length === 0) seen.zlps++;
        state = call.data.length === 0 ? S.dfuIDLE : S.dfuDNLOAD_IDLE;
        seen.values.push(call.setup.value);
        return 'ok';
      }
      if (call.kind === 'in' && call.setup.request === DFU.GETSTATUS) {
        return { ok: Uint8Array.of(0, 0, 0, 0, state, 0) };
      }
      return 'ok';
    };
    return seen;
  }

  it('wraps 0xFFFF → 0 over more than 65 536 blocks and numbers the ZLP with the next value', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(
      fake,
      configDescriptor({ altCount: 1, functional: { transferSizeBytes: 1 }, iInterfaceBase: 5 }),
    );
    const seen = countingDevice(fake);
    const total = 65_540;
    const result = await client.download({
      alternate: 0,
      source: chunksOf(new Uint8Array(total), 8192),
      totalBytes: total,
    });
    expect(result).toMatchObject({ blocks: total, zlpBlockNumber: 4, sentBytes: total });
    expect(seen.zlps).toBe(1);
    expect(seen.values.length).toBe(total + 1);
    expect(seen.values.slice(0, 3)).toEqual([0, 1, 2]);
    expect(seen.values.slice(65_534, 65_541)).toEqual([65_534, 65_535, 0, 1, 2, 3, 4]);
    expect(seen.values.every((v, i) => v === i % 65_536)).toBe(true);
  });

  it('streams more than 4 GiB without holding it (same buffer reused, progress beyond 2^32)', async () => {
    const fake = new FakeUsbTransport();
    const transferSizeBytes = 0xffff;
    const { client } = await openClient(
      fake,
      configDescriptor({ altCount: 1, functional: { transferSizeBytes }, iInterfaceBase: 5 }),
    );
    const seen = countingDevice(fake);
    const blockCount = 65_538;
    const totalBytes = transferSizeBytes * blockCount;
    expect(totalBytes).toBeGreaterThan(2 ** 32);
    const block = new Uint8Array(transferSizeBytes);
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < blockCount; i++) yield await Promise.resolve(block);
    }
    let lastProgress = 0;
    const result = await client.download({
      alternate: 0,
      source: source(),
      totalBytes,
      onProgress: (sent) => (lastProgress = sent),
    });
    expect(result).toMatchObject({ sentBytes: totalBytes, blocks: blockCount, zlpBlockNumber: 2 });
    expect(lastProgress).toBe(totalBytes);
    expect(seen.values.at(-1)).toBe(2);
  });
});
