import { describe, expect, it } from 'vitest';
import { DFU_STATE } from '../../../main/dfu/dfu-status.js';
import { buildPhaseAltMap, requireAltForPhase } from '../../../main/stm32mp/alt-map.js';
import { getPhase } from '../../../main/stm32mp/get-phase.js';
import { PHASE } from '../../../main/stm32mp/phase-ids.js';
import { getStageProfile } from '../../../main/stm32mp/soc-quirks.js';
import { detectStage } from '../../../main/stm32mp/stage-detect.js';
import { DFU, FakeUsbTransport, makeIdentity, step } from '../dfu/fake-usb-transport.js';
import {
  configDescriptor,
  openClient,
  ROM_FUNCTIONAL,
  UBOOT_FUNCTIONAL,
} from '../dfu/descriptor-fixtures.js';
import { ALTS, PRODUCTS } from './stage-fixtures.js';

/**
 * The recipes of the report, run against the scripted transport: each stage driven only through the
 * public API plus the stage profile, the way the pipeline is meant to.
 */
const S = DFU_STATE;
const hex = (s: string): Uint8Array =>
  Uint8Array.from(
    s
      .trim()
      .split(/\s+/)
      .map((b) => Number.parseInt(b, 16)),
  );

async function* once(data: Uint8Array): AsyncGenerator<Uint8Array> {
  yield await Promise.resolve(data);
}

function setup(product: string, alts: string[], functional = ROM_FUNCTIONAL) {
  const identity = makeIdentity(product, alts);
  const fake = new FakeUsbTransport(identity);
  const config = configDescriptor({
    altCount: alts.length,
    functional,
    iInterfaceBase: functional === ROM_FUNCTIONAL ? 6 : 5,
  });
  const detection = detectStage(identity);
  const map = buildPhaseAltMap(identity.alts);
  return { identity, fake, config, detection, map };
}

describe('stage recipes', () => {
  it('MP15 ROM → TF-A on the same handle → DETACH', async () => {
    const { fake, config, detection, map } = setup(PRODUCTS.romMp15, ALTS.romMp15);
    const { client } = await openClient(fake, config);
    const rom = getStageProfile(detection.family!, 'rom').behaviour;
    const fsblAlt = requireAltForPhase(map, PHASE.fsbl);
    expect(fsblAlt).toBe(rom.fsblAltIndex);
    fake.script(
      step.setAlt(1),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 600),
      step.getStatus(S.dfuDNBUSY, { pollMs: 1 }),
      step.getStatus(S.dfuDNLOAD_IDLE, { pollMs: 1 }),
      step.dnload(1, 0),
      step.getStatus(S.dfuMANIFEST, { pollMs: 1 }),
    );
    await client.download({
      alternate: fsblAlt,
      source: once(new Uint8Array(600)),
      totalBytes: 600,
      end: rom.downloadEnd,
    });
    // No DETACH, no re-enumeration: TF-A answers GetPhase on the same client.
    const virtualAlt = requireAltForPhase(map, PHASE.command);
    fake.script(
      step.setAlt(5),
      step.getStatus(S.dfuIDLE),
      step.upload(0, 512, hex('03 00 00 00 C7 00 00 00 00')),
    );
    const first = await getPhase(client, virtualAlt, { timeoutMs: rom.nextStageTimeoutMs });
    expect(first).toMatchObject({ action: 'download', phase: 3 });
    const tfa = getStageProfile(detection.family!, 'tf-a').behaviour;
    fake.script(
      step.setAlt(3),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 100),
      step.getStatus(S.dfuDNLOAD_SYNC),
      step.getStatus(S.dfuDNLOAD_IDLE),
      step.dnload(1, 0),
      step.getStatus(S.dfuMANIFEST, { pollMs: 1 }),
      step.getStatus(S.dfuIDLE),
    );
    await client.download({
      alternate: requireAltForPhase(map, first.phase),
      source: once(new Uint8Array(100)),
      totalBytes: 100,
      end: tfa.downloadEnd,
    });
    fake.script(
      step.setAlt(5),
      step.getStatus(S.dfuIDLE),
      step.upload(0, 512, hex('00 FF FF FF FF 00 00 00 00 01')),
      step.detach({ error: 'device-gone' }),
    );
    expect((await getPhase(client, virtualAlt)).action).toBe('detach');
    expect((await client.detach({ checkIdleFirst: tfa.detachOnlyInIdle })).outcome).toBe('tolerated-failure');
    fake.assertDone();
  });

  it('MP13 ROM: FSBL to alt 0 until dfuIDLE, then DETACH', async () => {
    const { fake, config, detection, map } = setup(PRODUCTS.romMp13, ALTS.romMp13);
    const { client } = await openClient(fake, config);
    const rom = getStageProfile(detection.family!, 'rom').behaviour;
    expect(rom.handover).toBe('detach-after-fsbl');
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 10),
      step.getStatus(S.dfuDNBUSY, { pollMs: 1 }),
      step.getStatus(S.dfuDNLOAD_IDLE, { pollMs: 1 }),
      step.dnload(1, 0),
      step.getStatus(S.dfuMANIFEST, { pollMs: 1 }),
      step.getStatus(S.dfuIDLE),
      step.detach(),
    );
    await client.download({
      alternate: requireAltForPhase(map, PHASE.fsbl),
      source: once(new Uint8Array(10)),
      totalBytes: 10,
      end: rom.downloadEnd,
    });
    expect(await client.detach({ checkIdleFirst: rom.detachOnlyInIdle })).toEqual({ outcome: 'accepted' });
    fake.assertDone();
  });

  it('MP2 TF-A: DDR FIP (0x02), DETACH, then the FIP after the reconnect', async () => {
    const { fake, config, detection, map } = setup(PRODUCTS.tfaMp25, ALTS.tfaMp2);
    const { client } = await openClient(fake, config);
    const tfa = getStageProfile(detection.family!, 'tf-a').behaviour;
    const virtualAlt = requireAltForPhase(map, PHASE.command);
    fake.script(
      step.setAlt(2),
      step.getStatus(S.dfuIDLE),
      step.upload(0, 512, hex('02 00 00 00 0E 00 00 00 00')),
    );
    const phase = await getPhase(client, virtualAlt);
    expect(phase.phase).toBe(tfa.midStageReconnect?.afterPhase);
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 50),
      step.getStatus(S.dfuDNLOAD_SYNC),
      step.getStatus(S.dfuDNLOAD_IDLE),
      step.dnload(1, 0),
      step.getStatus(S.dfuMANIFEST, { pollMs: 1 }),
      step.getStatus(S.dfuIDLE),
    );
    await client.download({
      alternate: requireAltForPhase(map, phase.phase),
      source: once(new Uint8Array(50)),
      totalBytes: 50,
      end: tfa.downloadEnd,
    });
    fake.script(
      step.setAlt(2),
      step.getStatus(S.dfuIDLE),
      step.upload(0, 512, hex('00 FF FF FF FF 00 00 00 00 01')),
      step.detach(),
    );
    expect((await getPhase(client, virtualAlt)).action).toBe('detach');
    await client.detach();
    fake.assertDone();
  });

  it('U-Boot 1st enumeration: layout to 0x00, then DETACH from dfuIDLE only', async () => {
    const { fake, config, detection, map } = setup(PRODUCTS.ubootMp15, ALTS.ubootFirst, UBOOT_FUNCTIONAL);
    expect(detection.stage).toBe('u-boot-layout');
    const { client } = await openClient(fake, config);
    const uboot = getStageProfile(detection.family!, 'u-boot-layout').behaviour;
    const virtualAlt = requireAltForPhase(map, PHASE.command);
    fake.script(
      step.setAlt(1),
      step.getStatus(S.dfuIDLE),
      step.upload(0, 512, hex('00 00 00 00 C2 00 00 00 00 00')),
    );
    expect((await getPhase(client, virtualAlt)).action).toBe('send-layout');
    fake.script(
      step.setAlt(0),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 300),
      step.getStatus(S.dfuDNLOAD_IDLE),
      step.dnload(1, 0),
      step.getStatus(S.dfuMANIFEST),
      step.getStatus(S.dfuIDLE),
    );
    await client.download({
      alternate: requireAltForPhase(map, PHASE.flashLayout),
      source: once(new Uint8Array(300)),
      totalBytes: 300,
      end: uboot.downloadEnd,
    });
    fake.script(
      step.setAlt(1),
      step.getStatus(S.dfuIDLE),
      step.upload(0, 512, hex('00 00 00 00 C2 00 00 00 00 01')),
      step.getStatus(S.dfuIDLE),
      step.detach(),
    );
    expect((await getPhase(client, virtualAlt)).action).toBe('detach');
    await client.detach({ checkIdleFirst: uboot.detachOnlyInIdle });
    expect(fake.controlCalls(DFU.DETACH)).toHaveLength(1);
    fake.assertDone();
  });

  it('U-Boot 2nd enumeration: GetPhase loop until 0xFE', async () => {
    const { fake, config, detection, map } = setup(PRODUCTS.ubootMp25, ALTS.ubootSecond, UBOOT_FUNCTIONAL);
    expect(detection.stage).toBe('u-boot-partitions');
    const { client } = await openClient(fake, config);
    const uboot = getStageProfile(detection.family!, 'u-boot-partitions').behaviour;
    const virtualAlt = requireAltForPhase(map, PHASE.command);
    fake.script(
      step.setAlt(5),
      step.getStatus(S.dfuIDLE),
      step.upload(0, 512, hex('10 FF FF FF FF 00 00 00 00')),
    );
    const next = await getPhase(client, virtualAlt);
    expect(next).toMatchObject({ action: 'download', phase: 0x10 });
    fake.script(
      step.setAlt(3),
      step.getStatus(S.dfuIDLE),
      step.dnload(0, 4096),
      step.getStatus(S.dfuDNLOAD_IDLE),
      step.dnload(1, 4),
      step.getStatus(S.dfuDNLOAD_IDLE),
      step.dnload(2, 0),
      step.getStatus(S.dfuMANIFEST),
      step.getStatus(S.dfuIDLE),
    );
    await client.download({
      alternate: requireAltForPhase(map, next.phase),
      source: once(new Uint8Array(4100)),
      totalBytes: 4100,
      end: uboot.downloadEnd,
    });
    fake.script(
      step.setAlt(5),
      step.getStatus(S.dfuIDLE),
      step.upload(0, 512, hex('FE FF FF FF FF 00 00 00 00')),
    );
    expect((await getPhase(client, virtualAlt)).action).toBe('done');
    fake.assertDone();
  });
});
