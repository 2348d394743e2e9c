import { AppError } from '../core/app-error.js';
import type { IoOptions, UsbTransport } from '../transport/usb-transport.js';
import { withRequestContext } from './dfu-requests.js';

/**
 * USB descriptors parsed from raw bytes. We read them with standard GET_DESCRIPTOR ourselves because the
 * WebUSB-shaped device objects hide class-specific descriptors, and the DFU functional descriptor
 * (type 0x21) is where wTransferSize lives. Parsers never throw on odd input: they stop walking and
 * record a warning, so a malformed descriptor is evidence in the journal rather than a crash.
 */

export const DESCRIPTOR_TYPE = {
  device: 0x01,
  configuration: 0x02,
  string: 0x03,
  interface: 0x04,
  endpoint: 0x05,
  dfuFunctional: 0x21,
} as const;

export const USB_LANGID_EN_US = 0x0409;
const GET_DESCRIPTOR = 6;

export interface DeviceDescriptor {
  bcdUSB: number;
  deviceClass: number;
  deviceSubClass: number;
  deviceProtocol: number;
  maxPacketSize0: number;
  idVendor: number;
  idProduct: number;
  bcdDevice: number;
  iManufacturer: number;
  iProduct: number;
  iSerialNumber: number;
  numConfigurations: number;
}

export interface DfuFunctionalDescriptor {
  /** Raw bmAttributes; the named bits below are DFU 1.1 §4.1.3. */
  attributes: number;
  canDownload: boolean;
  canUpload: boolean;
  manifestationTolerant: boolean;
  willDetach: boolean;
  detachTimeoutMs: number;
  transferSizeBytes: number;
  /** 0x0110 on every STM32MP stage; null for a 7-byte DFU 1.0 descriptor. */
  bcdDFUVersion: number | null;
}

export interface InterfaceAltDescriptor {
  interfaceNumber: number;
  alternateSetting: number;
  numEndpoints: number;
  interfaceClass: number;
  interfaceSubClass: number;
  interfaceProtocol: number;
  /** String index of the alt name (`@FSBL /0x01/1*128Ke` on ST parts); 0 = none. */
  iInterface: number;
  /** The DFU functional descriptor that followed this alt, if any. */
  functional: DfuFunctionalDescriptor | null;
}

export interface ConfigurationDescriptor {
  totalLength: number;
  numInterfaces: number;
  configurationValue: number;
  iConfiguration: number;
  attributes: number;
  maxPowerRaw: number;
  alts: InterfaceAltDescriptor[];
  /** First DFU functional descriptor in the set; ST stages put a single one after all the alts. */
  functional: DfuFunctionalDescriptor | null;
  warnings: string[];
}

const u16 = (data: Uint8Array, offset: number): number => data[offset]! | (data[offset + 1]! << 8);

export function parseDeviceDescriptor(data: Uint8Array): DeviceDescriptor | null {
  if (data.length < 18 || data[1] !== DESCRIPTOR_TYPE.device) return null;
  return {
    bcdUSB: u16(data, 2),
    deviceClass: data[4]!,
    deviceSubClass: data[5]!,
    deviceProtocol: data[6]!,
    maxPacketSize0: data[7]!,
    idVendor: u16(data, 8),
    idProduct: u16(data, 10),
    bcdDevice: u16(data, 12),
    iManufacturer: data[14]!,
    iProduct: data[15]!,
    iSerialNumber: data[16]!,
    numConfigurations: data[17]!,
  };
}

/** Parses a DFU functional descriptor (9 bytes in DFU 1.1, 7 in DFU 1.0). */
export function parseDfuFunctionalDescriptor(data: Uint8Array): DfuFunctionalDescriptor | null {
  if (data.length < 7 || data[1] !== DESCRIPTOR_TYPE.dfuFunctional) return null;
  const attributes = data[2]!;
  const declaredLength = Math.min(data[0]!, data.length);
  return {
    attributes,
    canDownload: (attributes & 0x01) !== 0,
    canUpload: (attributes & 0x02) !== 0,
    manifestationTolerant: (attributes & 0x04) !== 0,
    willDetach: (attributes & 0x08) !== 0,
    detachTimeoutMs: u16(data, 3),
    transferSizeBytes: u16(data, 5),
    bcdDFUVersion: declaredLength >= 9 ? u16(data, 7) : null,
  };
}

/** Walks a full configuration descriptor set: configuration, interface alts, DFU functional. */
export function parseConfigurationDescriptor(data: Uint8Array): ConfigurationDescriptor | null {
  if (data.length < 9 || data[1] !== DESCRIPTOR_TYPE.configuration) return null;
  const config: ConfigurationDescriptor = {
    totalLength: u16(data, 2),
    numInterfaces: data[4]!,
    configurationValue: data[5]!,
    iConfiguration: data[6]!,
    attributes: data[7]!,
    maxPowerRaw: data[8]!,
    alts: [],
    functional: null,
    warnings: [],
  };
  if (config.totalLength !== data.length) {
    config.warnings.push(`wTotalLength is ${config.totalLength} but ${data.length} bytes were read`);
  }
  const end = Math.min(config.totalLength, data.length);
  let offset = data[0]! >= 9 ? data[0]! : 9;
  let current: InterfaceAltDescriptor | null = null;
  while (offset + 2 <= end) {
    const length = data[offset]!;
    const type = data[offset + 1]!;
    if (length < 2 || offset + length > end) {
      config.warnings.push(`descriptor at offset ${offset} has bLength ${length}; stopped walking`);
      break;
    }
    const slice = data.subarray(offset, offset + length);
    if (type === DESCRIPTOR_TYPE.interface && length >= 9) {
      current = {
        interfaceNumber: slice[2]!,
        alternateSetting: slice[3]!,
        numEndpoints: slice[4]!,
        interfaceClass: slice[5]!,
        interfaceSubClass: slice[6]!,
        interfaceProtocol: slice[7]!,
        iInterface: slice[8]!,
        functional: null,
      };
      config.alts.push(current);
    } else if (type === DESCRIPTOR_TYPE.dfuFunctional) {
      const functional = parseDfuFunctionalDescriptor(slice);
      if (functional) {
        if (current) current.functional = functional;
        config.functional ??= functional;
      } else {
        config.warnings.push(`DFU functional descriptor at offset ${offset} is only ${length} bytes`);
      }
    }
    offset += length;
  }
  return config;
}

/** String descriptor (type 3): UTF-16LE after a 2-byte header. Null when it is not one. */
export function parseStringDescriptor(data: Uint8Array): string | null {
  if (data.length < 2 || data[1] !== DESCRIPTOR_TYPE.string) return null;
  const length = Math.min(data[0]!, data.length);
  const chars: number[] = [];
  for (let i = 2; i + 1 < length; i += 2) chars.push(u16(data, i));
  return String.fromCharCode(...chars);
}

/** String descriptor 0: the list of LANGIDs the device supports. */
export function parseLangIds(data: Uint8Array): number[] {
  if (data.length < 2 || data[1] !== DESCRIPTOR_TYPE.string) return [];
  const length = Math.min(data[0]!, data.length);
  const ids: number[] = [];
  for (let i = 2; i + 1 < length; i += 2) ids.push(u16(data, i));
  return ids;
}

/** True for a DFU-mode interface (class 0xFE application specific, subclass 1). */
export function isDfuInterface(alt: InterfaceAltDescriptor): boolean {
  return alt.interfaceClass === 0xfe && alt.interfaceSubClass === 0x01;
}

async function getDescriptor(
  transport: UsbTransport,
  type: number,
  index: number,
  wIndex: number,
  lengthBytes: number,
  io: IoOptions,
): Promise<Uint8Array | null> {
  const result = await withRequestContext(
    'GET_DESCRIPTOR',
    { descriptorType: type, descriptorIndex: index },
    () =>
      transport.controlIn(
        {
          requestType: 'standard',
          recipient: 'device',
          request: GET_DESCRIPTOR,
          value: (type << 8) | index,
          index: wIndex,
        },
        lengthBytes,
        io,
      ),
  );
  return result.status === 'ok' ? result.data : null;
}

export async function readDeviceDescriptor(
  transport: UsbTransport,
  io: IoOptions,
): Promise<DeviceDescriptor> {
  const data = await getDescriptor(transport, DESCRIPTOR_TYPE.device, 0, 0, 18, io);
  const parsed = data ? parseDeviceDescriptor(data) : null;
  if (!parsed) {
    throw new AppError('dfu-descriptor-missing', 'The device descriptor could not be read.', {
      replyBytes: data ? Array.from(data) : null,
    });
  }
  return parsed;
}

/** Two reads: 9 bytes for wTotalLength, then the whole set. */
export async function readConfigurationDescriptor(
  transport: UsbTransport,
  configIndex: number,
  io: IoOptions,
): Promise<ConfigurationDescriptor> {
  const head = await getDescriptor(transport, DESCRIPTOR_TYPE.configuration, configIndex, 0, 9, io);
  const headParsed = head ? parseConfigurationDescriptor(head) : null;
  if (!headParsed) {
    throw new AppError('dfu-descriptor-missing', 'The configuration descriptor could not be read.', {
      replyBytes: head ? Array.from(head) : null,
    });
  }
  const full = await getDescriptor(
    transport,
    DESCRIPTOR_TYPE.configuration,
    configIndex,
    0,
    Math.max(9, headParsed.totalLength),
    io,
  );
  const parsed = full ? parseConfigurationDescriptor(full) : null;
  if (!parsed) {
    throw new AppError('dfu-descriptor-missing', 'The configuration descriptor set could not be read.', {
      totalLength: headParsed.totalLength,
    });
  }
  return parsed;
}

/**
 * Class-level GET_DESCRIPTOR for the functional descriptor (type 0x21) addressed to the interface;
 * U-Boot and TF-A both answer it (protocol §2.2). Used only when the configuration set lacks it.
 */
export async function readDfuFunctionalDescriptor(
  transport: UsbTransport,
  interfaceNumber: number,
  io: IoOptions,
): Promise<DfuFunctionalDescriptor | null> {
  const result = await withRequestContext(
    'GET_DESCRIPTOR',
    { descriptorType: DESCRIPTOR_TYPE.dfuFunctional },
    () =>
      transport.controlIn(
        {
          requestType: 'standard',
          recipient: 'interface',
          request: GET_DESCRIPTOR,
          value: DESCRIPTOR_TYPE.dfuFunctional << 8,
          index: interfaceNumber,
        },
        9,
        io,
      ),
  );
  return result.status === 'ok' ? parseDfuFunctionalDescriptor(result.data) : null;
}

/** Reads string `index` in `langId` (en-US by default). Null when the device stalls or sends junk. */
export async function readStringDescriptor(
  transport: UsbTransport,
  index: number,
  io: IoOptions,
  langId: number = USB_LANGID_EN_US,
): Promise<string | null> {
  if (index === 0) return null;
  const data = await getDescriptor(transport, DESCRIPTOR_TYPE.string, index, langId, 255, io);
  return data ? parseStringDescriptor(data) : null;
}
