/**
 * FunctionFS ep0 blobs (Documentation/usb/functionfs.rst, include/uapi/linux/usb/functionfs.h) built
 * from a simulated board's own descriptor bytes, so the kernel presents what the board model says.
 *
 * The kernel owns the device descriptor, the configuration header and string numbering; the function
 * owns its interface-level descriptors and its strings. configfs gadgets allocate string ids in a
 * fixed order — manufacturer 1, product 2, serial 3, configuration 4, then the function's strings —
 * so a board whose interface strings start at 5 or later keeps its exact indices: global index g is
 * function-local index g − 4.
 */
const DESCRIPTORS_MAGIC_V2 = 3;
const STRINGS_MAGIC = 2;
const HAS_FS_DESC = 1;
const HAS_HS_DESC = 2;
const LANGID_EN_US = 0x0409;
export const FIRST_FUNCTION_STRING_INDEX = 5;
const CONFIGURATION_STRING_INDEX = 4;

const TYPE_CONFIGURATION = 2;
const TYPE_INTERFACE = 4;

export interface ParsedConfiguration {
  maxPowerUnits: number;
  attributes: number;
  configurationValue: number;
  iConfiguration: number;
  /** Everything after the 9-byte configuration header: interfaces and class descriptors. */
  body: Uint8Array;
  /** iInterface of every interface descriptor in the body (0 = none). */
  interfaceStrings: number[];
  alternateCount: number;
}

export function parseConfiguration(config: Uint8Array): ParsedConfiguration {
  if (config.length < 9 || config[1] !== TYPE_CONFIGURATION) {
    throw new Error(`not a configuration descriptor: ${hex(config.subarray(0, 9))}`);
  }
  const total = config[2]! | (config[3]! << 8);
  if (total !== config.length) throw new Error(`wTotalLength ${total} but ${config.length} bytes`);
  const interfaceStrings: number[] = [];
  let offset = 9;
  while (offset < config.length) {
    const length = config[offset]!;
    if (length < 2 || offset + length > config.length) throw new Error(`bad descriptor at ${offset}`);
    if (config[offset + 1] === TYPE_INTERFACE) interfaceStrings.push(config[offset + 8] ?? 0);
    offset += length;
  }
  return {
    maxPowerUnits: config[8]!,
    attributes: config[7]!,
    configurationValue: config[5]!,
    iConfiguration: config[6]!,
    body: config.subarray(9),
    interfaceStrings,
    alternateCount: interfaceStrings.length,
  };
}

export interface FunctionStrings {
  /** Text of global string index 4 (configfs `configuration`), or null when the board has none. */
  configuration: string | null;
  /** Function-local strings 1..n = global 5..(4+n). */
  local: string[];
}

/**
 * The interface body with iInterface rewritten to function-local numbers, plus the FS and HS copies
 * FunctionFS wants (dummy_hcd enumerates at high speed, so HS is the one the host sees).
 */
export function buildDescriptorBlob(body: Uint8Array): Buffer {
  const local = Buffer.from(body);
  let count = 0;
  for (let offset = 0; offset < local.length; offset += local[offset]!) {
    count++;
    if (local[offset + 1] !== TYPE_INTERFACE) continue;
    const global = local[offset + 8]!;
    if (global !== 0 && global < FIRST_FUNCTION_STRING_INDEX) {
      throw new Error(`iInterface ${global} collides with the gadget's own strings (1..4)`);
    }
    local[offset + 8] = global === 0 ? 0 : global - CONFIGURATION_STRING_INDEX;
  }
  const header = Buffer.alloc(20);
  header.writeUInt32LE(DESCRIPTORS_MAGIC_V2, 0);
  header.writeUInt32LE(20 + 2 * local.length, 4);
  header.writeUInt32LE(HAS_FS_DESC | HAS_HS_DESC, 8);
  header.writeUInt32LE(count, 12);
  header.writeUInt32LE(count, 16);
  return Buffer.concat([header, local, local]);
}

export function buildStringsBlob(strings: readonly string[]): Buffer {
  const header = Buffer.alloc(16);
  const body = Buffer.concat([
    Buffer.from([LANGID_EN_US & 0xff, LANGID_EN_US >> 8]),
    ...strings.map((s) => Buffer.from(`${s}\0`, 'utf8')),
  ]);
  header.writeUInt32LE(STRINGS_MAGIC, 0);
  header.writeUInt32LE(16 + body.length, 4);
  header.writeUInt32LE(strings.length, 8);
  header.writeUInt32LE(1, 12);
  return Buffer.concat([header, body]);
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
