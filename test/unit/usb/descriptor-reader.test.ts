import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  configurationTotalLength,
  decodeStringDescriptor,
  firstLangId,
  parseInterfaceDescriptors,
} from '../../../main/usb/descriptor-reader.js';
import { bcdDeviceOf, busNumberOf } from '../../../main/usb/identity-snapshot.js';
import { FakeDevice } from './fake-webusb.js';

describe('descriptor parsing', () => {
  it('finds every interface descriptor of a ROM-style configuration (protocol §2.2)', () => {
    const config = new Uint8Array(new FakeDevice().descriptor(0x02, 0)!);
    expect(configurationTotalLength(config)).toBe(72);
    expect(parseInterfaceDescriptors(config)).toEqual(
      [0, 1, 2, 3, 4, 5].map((n) => ({ interfaceNumber: 0, alternateSetting: n, stringIndex: 6 + n })),
    );
  });

  it('decodes UTF-16LE strings and the LANGID list', () => {
    const text = '@FSBL /0x01/1*1Me';
    const bytes = new Uint8Array(new FakeDevice().descriptor(0x03, 7)!);
    expect(decodeStringDescriptor(bytes)).toBe(text);
    expect(firstLangId(new Uint8Array([4, 3, 0x09, 0x04]))).toBe(0x0409);
    expect(firstLangId(new Uint8Array([]))).toBe(0x0409);
    expect(decodeStringDescriptor(new Uint8Array([9, 2, 0, 0]))).toBeNull();
  });

  test.prop([fc.uint8Array({ maxLength: 300 })])('never throws on arbitrary bytes', (bytes) => {
    expect(() => parseInterfaceDescriptors(bytes)).not.toThrow();
    expect(() => decodeStringDescriptor(bytes)).not.toThrow();
    expect(() => configurationTotalLength(bytes)).not.toThrow();
  });
});

describe('identity fields', () => {
  test.prop([fc.integer({ min: 0, max: 0xffff })])('recomposes bcdDevice from node-usb nibbles', (bcd) => {
    const device = new FakeDevice({ bcdDevice: bcd });
    expect(bcdDeviceOf(device)).toBe(bcd);
  });

  it('reads the bus number per OS', () => {
    expect(busNumberOf('001', 'linux')).toBe(1);
    expect(busNumberOf('14', 'darwin')).toBe(0x14);
    expect(busNumberOf('PCIROOT(0)#PCI(1400)#USBROOT(0)', 'win32')).toBeNull();
    expect(busNumberOf(undefined, 'linux')).toBeNull();
  });
});
