import type { Clock } from '../core/clock.js';
import { raceIo } from './race-io.js';
import type { WebUsbControlSetup, WebUsbDeviceLike } from './webusb-types.js';

/** USB 2.0 §9.4.3 GET_DESCRIPTOR and §9.6 descriptor types. */
const GET_DESCRIPTOR = 0x06;
const TYPE_CONFIGURATION = 0x02;
const TYPE_STRING = 0x03;
const TYPE_INTERFACE = 0x04;
const LANGID_EN_US = 0x0409;
const MAX_STRING_BYTES = 255;

export interface InterfaceAltDescriptor {
  interfaceNumber: number;
  alternateSetting: number;
  /** iInterface; 0 = no string. */
  stringIndex: number;
}

/** Walks a configuration descriptor and returns every interface descriptor in it. Never throws. */
export function parseInterfaceDescriptors(config: Uint8Array): InterfaceAltDescriptor[] {
  const found: InterfaceAltDescriptor[] = [];
  let offset = 0;
  while (offset + 2 <= config.length) {
    const length = config[offset] ?? 0;
    if (length < 2) break;
    const type = config[offset + 1];
    if (type === TYPE_INTERFACE && length >= 9 && offset + 9 <= config.length) {
      found.push({
        interfaceNumber: config[offset + 2] ?? 0,
        alternateSetting: config[offset + 3] ?? 0,
        stringIndex: config[offset + 8] ?? 0,
      });
    }
    offset += length;
  }
  return found;
}

/** wTotalLength of a configuration descriptor header, or null when the bytes are not one. */
export function configurationTotalLength(header: Uint8Array): number | null {
  if (header.length < 4 || header[1] !== TYPE_CONFIGURATION) return null;
  return (header[2] ?? 0) | ((header[3] ?? 0) << 8);
}

/** Decodes a string descriptor (UTF-16LE after the 2-byte header); null when it is not one. */
export function decodeStringDescriptor(bytes: Uint8Array): string | null {
  if (bytes.length < 2 || bytes[1] !== TYPE_STRING) return null;
  const end = Math.min(bytes[0] ?? 0, bytes.length);
  let text = '';
  for (let i = 2; i + 1 < end; i += 2)
    text += String.fromCharCode((bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8));
  return text;
}

/** First LANGID of string descriptor 0, or en-US when the device has no list. */
export function firstLangId(bytes: Uint8Array): number {
  if (bytes.length >= 4 && bytes[1] === TYPE_STRING) return (bytes[2] ?? 0) | ((bytes[3] ?? 0) << 8);
  return LANGID_EN_US;
}

export function toBytes(view: DataView | null | undefined): Uint8Array {
  if (!view) return new Uint8Array(0);
  // node-usb gives each transfer its own buffer: a view that covers all of it is used as is.
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) return new Uint8Array(view.buffer);
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function getDescriptorSetup(type: number, index: number, langId = 0): WebUsbControlSetup {
  return {
    requestType: 'standard',
    recipient: 'device',
    request: GET_DESCRIPTOR,
    value: (type << 8) | index,
    index: langId,
  };
}

export interface DescriptorReadOptions {
  clock: Clock;
  timeoutMs: number;
}

/**
 * Reads iInterface strings of one interface's alternates with standard GET_DESCRIPTOR requests, for when
 * the library could not (node-usb gives `interfaceName` null when its own 100 ms string read failed).
 * The caller must have the device open; node-usb v3 also needs a claimed interface to send any control
 * request. Returns alternate → name; rejects with the library's error.
 */
export async function readAlternateNames(
  device: WebUsbDeviceLike,
  interfaceNumber: number,
  options: DescriptorReadOptions,
): Promise<Map<number, string | null>> {
  const read = async (setup: WebUsbControlSetup, length: number): Promise<Uint8Array> => {
    const result = await raceIo(() => device.controlTransferIn(setup, length, options.timeoutMs), {
      clock: options.clock,
      timeoutMs: options.timeoutMs * 2,
      what: 'GET_DESCRIPTOR',
    });
    if (result.status !== 'ok')
      throw new Error(`GET_DESCRIPTOR ${setup.value.toString(16)}: ${result.status}`);
    return toBytes(result.data);
  };

  const header = await read(getDescriptorSetup(TYPE_CONFIGURATION, 0), 9);
  const total = configurationTotalLength(header);
  if (total === null) throw new Error('GET_DESCRIPTOR(configuration) returned no configuration descriptor');
  const config =
    total > header.length ? await read(getDescriptorSetup(TYPE_CONFIGURATION, 0), total) : header;
  const alternates = parseInterfaceDescriptors(config).filter((d) => d.interfaceNumber === interfaceNumber);

  const names = new Map<number, string | null>();
  if (alternates.every((a) => a.stringIndex === 0)) {
    for (const alt of alternates) names.set(alt.alternateSetting, null);
    return names;
  }
  const langId = firstLangId(await read(getDescriptorSetup(TYPE_STRING, 0), MAX_STRING_BYTES));
  for (const alt of alternates) {
    if (alt.stringIndex === 0) {
      names.set(alt.alternateSetting, null);
      continue;
    }
    const bytes = await read(getDescriptorSetup(TYPE_STRING, alt.stringIndex, langId), MAX_STRING_BYTES);
    names.set(alt.alternateSetting, decodeStringDescriptor(bytes));
  }
  return names;
}
