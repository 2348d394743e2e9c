import { describe, expect, it } from 'vitest';
import { decodeGetPhase, getPhase } from '../../../main/stm32mp/get-phase.js';
import { DFU_STATE } from '../../../main/dfu/dfu-status.js';
import { FakeUsbTransport, step } from '../dfu/fake-usb-transport.js';
import { configDescriptor, openClient, UBOOT_FUNCTIONAL } from '../dfu/descriptor-fixtures.js';

const hex = (s: string): Uint8Array =>
  Uint8Array.from(
    s
      .trim()
      .split(/\s+/)
      .map((b) => Number.parseInt(b, 16)),
  );
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

describe('decodeGetPhase: the §4.2 example dumps', () => {
  it('U-Boot waiting for the layout: 00 00 00 00 C2 00 00 00 00 00', () => {
    expect(decodeGetPhase(hex('00 00 00 00 C2 00 00 00 00 00'))).toMatchObject({
      complete: true,
      phase: 0,
      phaseName: 'FlashLayout',
      address: 0xc2000000,
      addressDefined: true,
      offset: 0,
      needDetach: false,
      errorText: null,
      action: 'send-layout',
      oddities: [],
    });
  });

  it('U-Boot after the layout: need-detach = 1', () => {
    expect(decodeGetPhase(hex('00 00 00 00 C2 00 00 00 00 01'))).toMatchObject({
      needDetach: true,
      action: 'detach',
    });
  });

  it('U-Boot asking for partition 0x12', () => {
    expect(decodeGetPhase(hex('12 FF FF FF FF 00 00 00 00'))).toMatchObject({
      phase: 0x12,
      phaseName: 'user partition 0x12',
      address: 0xffffffff,
      addressDefined: false,
      needDetach: null,
      action: 'download',
      oddities: [],
    });
  });

  it('U-Boot done: 0xFE', () => {
    expect(decodeGetPhase(hex('FE FF FF FF FF 00 00 00 00'))).toMatchObject({ phase: 0xfe, action: 'done' });
  });

  it('U-Boot error: 0xFF and the message after byte 9', () => {
    const reply = Uint8Array.from([
      ...hex('FF FF FF FF FF 00 00 00 00'),
      ...ascii("Layout line 4: invalid offset 'zz'"),
    ]);
    expect(decodeGetPhase(reply)).toMatchObject({
      phase: 0xff,
      action: 'error',
      errorText: "Layout line 4: invalid offset 'zz'",
    });
  });

  it('TF-A MP15 wanting the FIP at 0xC7000000', () => {
    expect(decodeGetPhase(hex('03 00 00 00 C7 00 00 00 00'))).toMatchObject({
      phase: 3,
      phaseName: 'SSBL (FIP)',
      address: 0xc7000000,
      action: 'download',
    });
  });

  it('TF-A after the FIP: 00 FF FF FF FF 00 00 00 00 01', () => {
    expect(decodeGetPhase(hex('00 FF FF FF FF 00 00 00 00 01'))).toMatchObject({
      needDetach: true,
      addressDefined: false,
      action: 'detach',
    });
  });
});

describe('decodeGetPhase: variants and odd replies', () => {
  it('old TF-A asks for the layout with 9 bytes (no flag byte)', () => {
    expect(decodeGetPhase(hex('00 00 00 00 C0 00 00 00 00'))).toMatchObject({
      needDetach: null,
      address: 0xc0000000,
      action: 'send-layout',
    });
  });

  it('reads the offset little-endian', () => {
    expect(decodeGetPhase(hex('12 FF FF FF FF 00 10 02 00')).offset).toBe(0x021000);
    expect(decodeGetPhase(hex('00 00 00 00 84 00 00 00 00 00')).address).toBe(0x84000000);
  });

  it('strips the trailing newline/NULs of a TF-A message', () => {
    const reply = Uint8Array.from([
      ...hex('FF FF FF FF FF 00 00 00 00'),
      ...ascii('FIP Header check failed for phase 3\n'),
      0,
      0,
    ]);
    expect(decodeGetPhase(reply).errorText).toBe('FIP Header check failed for phase 3');
  });

  it('names a short reply instead of throwing', () => {
    expect(decodeGetPhase(hex('03 00 00'))).toMatchObject({
      complete: false,
      action: 'unexpected',
      errorText: null,
      rawHex: '03 00 00',
    });
    expect(decodeGetPhase(new Uint8Array(0))).toMatchObject({ complete: false, action: 'unexpected' });
    expect(decodeGetPhase(hex('03 00 00')).oddities[0]).toMatch(/3 bytes/);
  });

  it('notes odd flag values, extra bytes and an empty error', () => {
    expect(decodeGetPhase(hex('00 00 00 00 C2 00 00 00 00 02'))).toMatchObject({
      needDetach: true,
      action: 'detach',
    });
    expect(decodeGetPhase(hex('00 00 00 00 C2 00 00 00 00 02')).oddities[0]).toMatch(
      /need-detach byte is 0x2/,
    );
    expect(decodeGetPhase(hex('12 FF FF FF FF 00 00 00 00 AA')).oddities[0]).toMatch(/1 unexpected bytes/);
    expect(decodeGetPhase(hex('FF FF FF FF FF 00 00 00 00')).oddities).toEqual([
      'phase 0xFF without an error message',
    ]);
  });

  it('has no rule for the virtual IDs', () => {
    const report = decodeGetPhase(hex('F1 FF FF FF FF 00 00 00 00'));
    expect(report.action).toBe('unexpected');
    expect(report.oddities.join()).toMatch(/no host rule for phase 0xf1/);
  });
});

describe('getPhase request', () => {
  it('applies the caller timeout to every request (first answer after the MP15 ROM jump)', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(
      fake,
      configDescriptor({ altCount: 6, functional: UBOOT_FUNCTIONAL, iInterfaceBase: 5 }),
    );
    fake.script(
      { ...step.setAlt(5), timeoutMs: 10_000 },
      { ...step.getStatus(DFU_STATE.dfuIDLE), timeoutMs: 10_000 },
      { ...step.upload(0, 512, hex('03 00 00 00 C7 00 00 00 00')), timeoutMs: 10_000 },
    );
    expect((await getPhase(client, 5, { timeoutMs: 10_000 })).phase).toBe(3);
    fake.assertDone();
  });

  it('SET_INTERFACE to the virtual alt, GETSTATUS, then UPLOAD wValue 0 wLength 512', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(
      fake,
      configDescriptor({ altCount: 4, functional: UBOOT_FUNCTIONAL, iInterfaceBase: 5 }),
    );
    fake.script(
      step.setAlt(1),
      step.getStatus(DFU_STATE.dfuIDLE),
      step.upload(0, 512, hex('00 00 00 00 C2 00 00 00 00 00')),
    );
    const report = await getPhase(client, 1);
    expect(report.action).toBe('send-layout');
    fake.assertDone();
  });
});
