import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  parseConfigurationDescriptor,
  parseDeviceDescriptor,
  parseDfuFunctionalDescriptor,
  parseLangIds,
  parseStringDescriptor,
  readConfigurationDescriptor,
  readDeviceDescriptor,
  readStringDescriptor,
} from '../../../main/dfu/dfu-descriptors.js';
import { FakeUsbTransport, step } from './fake-usb-transport.js';
import {
  configDescriptor,
  ROM_FUNCTIONAL,
  stringDescriptor,
  UBOOT_FUNCTIONAL,
} from './descriptor-fixtures.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.split(/\s+/).map((b) => Number.parseInt(b, 16)));
const io = { timeoutMs: 5000 };

describe('device descriptor', () => {
  it('parses the TF-A / ROM byte image of protocol §2.1', () => {
    expect(parseDeviceDescriptor(hex('12 01 00 02 00 00 00 40 83 04 11 DF 00 02 01 02 03 01'))).toEqual({
      bcdUSB: 0x0200,
      deviceClass: 0,
      deviceSubClass: 0,
      deviceProtocol: 0,
      maxPacketSize0: 64,
      idVendor: 0x0483,
      idProduct: 0xdf11,
      bcdDevice: 0x0200,
      iManufacturer: 1,
      iProduct: 2,
      iSerialNumber: 3,
      numConfigurations: 1,
    });
  });

  it('refuses short or mistyped data with null', () => {
    expect(parseDeviceDescriptor(hex('12 01 00 02'))).toBeNull();
    expect(parseDeviceDescriptor(hex('12 02 00 02 00 00 00 40 83 04 11 DF 00 02 01 02 03 01'))).toBeNull();
  });
});

describe('functional descriptor', () => {
  it('parses the ROM/TF-A descriptor 09 21 0F FF 00 00 04 10 01', () => {
    expect(parseDfuFunctionalDescriptor(hex('09 21 0F FF 00 00 04 10 01'))).toEqual({
      attributes: 0x0f,
      canDownload: true,
      canUpload: true,
      manifestationTolerant: true,
      willDetach: true,
      detachTimeoutMs: 255,
      transferSizeBytes: 1024,
      bcdDFUVersion: 0x0110,
    });
  });

  it('parses the U-Boot descriptor (4096 bytes, 0 ms)', () => {
    expect(parseDfuFunctionalDescriptor(hex('09 21 0F 00 00 00 10 10 01'))).toMatchObject({
      transferSizeBytes: 4096,
      detachTimeoutMs: 0,
    });
  });

  it('reads each bmAttributes bit', () => {
    expect(parseDfuFunctionalDescriptor(hex('09 21 05 00 00 00 04 10 01'))).toMatchObject({
      canDownload: true,
      canUpload: false,
      manifestationTolerant: true,
      willDetach: false,
    });
  });

  it('accepts a 7-byte DFU 1.0 descriptor without bcdDFUVersion', () => {
    expect(parseDfuFunctionalDescriptor(hex('07 21 0B 10 00 00 02'))).toMatchObject({
      transferSizeBytes: 512,
      bcdDFUVersion: null,
    });
  });
});

describe('configuration descriptor walk', () => {
  it('MP15 ROM/TF-A: 72 bytes, 6 alts with iInterface 6+n, one functional descriptor', () => {
    const bytes = configDescriptor({ altCount: 6, functional: ROM_FUNCTIONAL, iInterfaceBase: 6 });
    expect(bytes.length).toBe(72);
    const config = parseConfigurationDescriptor(bytes)!;
    expect(config).toMatchObject({
      totalLength: 72,
      numInterfaces: 1,
      configurationValue: 1,
      iConfiguration: 2,
      maxPowerRaw: 0x32,
    });
    expect(
      config.alts.map((a) => [
        a.alternateSetting,
        a.iInterface,
        a.interfaceClass,
        a.interfaceSubClass,
        a.interfaceProtocol,
      ]),
    ).toEqual([0, 1, 2, 3, 4, 5].map((n) => [n, 6 + n, 0xfe, 1, 2]));
    expect(config.functional?.transferSizeBytes).toBe(1024);
    expect(config.alts[5]!.functional?.transferSizeBytes).toBe(1024);
    expect(config.warnings).toEqual([]);
  });

  it('U-Boot: iInterface 5+n and wTransferSize 4096', () => {
    const config = parseConfigurationDescriptor(
      configDescriptor({ altCount: 4, functional: UBOOT_FUNCTIONAL, iInterfaceBase: 5, maxPower: 1 }),
    )!;
    expect(config.alts.map((a) => a.iInterface)).toEqual([5, 6, 7, 8]);
    expect(config.functional?.transferSizeBytes).toBe(4096);
  });

  it('stops at a zero bLength with a warning instead of looping or throwing', () => {
    const bytes = configDescriptor({ altCount: 2, functional: ROM_FUNCTIONAL, iInterfaceBase: 6 });
    bytes[9 + 9] = 0; // second interface descriptor's bLength
    const config = parseConfigurationDescriptor(bytes)!;
    expect(config.alts.length).toBe(1);
    expect(config.functional).toBeNull();
    expect(config.warnings.join()).toMatch(/bLength 0/);
  });

  it('notes a wTotalLength that disagrees with the bytes read', () => {
    const bytes = configDescriptor({ altCount: 2, functional: ROM_FUNCTIONAL, iInterfaceBase: 6 });
    const config = parseConfigurationDescriptor(bytes.subarray(0, 30))!;
    expect(config.warnings[0]).toMatch(/wTotalLength is 36 but 30 bytes/);
    expect(config.alts.length).toBe(2);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (tail) => {
        const bytes = Uint8Array.from([9, 2, 9 + tail.length, 0, 1, 1, 0, 0xc0, 1, ...tail]);
        expect(() => parseConfigurationDescriptor(bytes)).not.toThrow();
      }),
    );
  });
});

describe('string descriptors', () => {
  it('decodes UTF-16LE alt names', () => {
    expect(parseStringDescriptor(stringDescriptor('@DDR FIP /0x02/1*32Ke'))).toBe('@DDR FIP /0x02/1*32Ke');
    expect(parseStringDescriptor(hex('04 01 41 00'))).toBeNull();
  });

  it('reads the LANGID list', () => {
    expect(parseLangIds(hex('04 03 09 04'))).toEqual([0x0409]);
  });
});

describe('descriptor reads', () => {
  it('reads the configuration in two GET_DESCRIPTOR requests: 9 bytes, then wTotalLength', async () => {
    const config = configDescriptor({ altCount: 3, functional: ROM_FUNCTIONAL, iInterfaceBase: 6 });
    const fake = new FakeUsbTransport().script(
      step.getDescriptor(2, 0, 9, config.subarray(0, 9)),
      step.getDescriptor(2, 0, 45, config),
    );
    const parsed = await readConfigurationDescriptor(fake, 0, io);
    expect(parsed.alts.length).toBe(3);
    const first = fake.log[0]!;
    expect(first.kind === 'in' && first.setup).toEqual({
      requestType: 'standard',
      recipient: 'device',
      request: 6,
      value: 0x0200,
      index: 0,
    });
    fake.assertDone();
  });

  it('reads the device descriptor with value 0x0100', async () => {
    const fake = new FakeUsbTransport().script(
      step.getDescriptor(1, 0, 18, hex('12 01 00 02 00 00 00 40 83 04 11 DF 00 02 01 02 03 01')),
    );
    expect((await readDeviceDescriptor(fake, io)).idProduct).toBe(0xdf11);
    fake.assertDone();
  });

  it('reads a string with LANGID 0x0409 in wIndex', async () => {
    const fake = new FakeUsbTransport().script(
      step.getDescriptor(3, 7, 255, stringDescriptor('@virtual/0xf1/1*512Be'), 0x0409),
    );
    expect(await readStringDescriptor(fake, 7, io)).toBe('@virtual/0xf1/1*512Be');
    fake.assertDone();
  });

  it('returns null for a stalled string and never asks for index 0', async () => {
    const fake = new FakeUsbTransport().script(step.getDescriptor(3, 4, 255, 'stall', 0x0409));
    expect(await readStringDescriptor(fake, 4, io)).toBeNull();
    expect(await readStringDescriptor(fake, 0, io)).toBeNull();
    fake.assertDone();
  });

  it('fails with dfu-descriptor-missing when the configuration stalls', async () => {
    const fake = new FakeUsbTransport().script(step.getDescriptor(2, 0, 9, 'stall'));
    await expect(readConfigurationDescriptor(fake, 0, io)).rejects.toMatchObject({
      code: 'dfu-descriptor-missing',
    });
  });
});
