/**
 * The slice of the WebUSB API (plus node-usb v3's extensions) that the backend relies on. The npm `usb`
 * package's `usb` object satisfies it; tests inject a fake. Declared structurally here so that nothing
 * else needs the w3c-web-usb typings, and so that a fake cannot drift from what production calls.
 */

export type WebUsbRequestType = 'standard' | 'class' | 'vendor';
export type WebUsbRecipient = 'device' | 'interface' | 'endpoint' | 'other';

export interface WebUsbControlSetup {
  requestType: WebUsbRequestType;
  recipient: WebUsbRecipient;
  request: number;
  value: number;
  index: number;
}

/** `status` is 'ok' | 'stall' | 'babble' in the spec. node-usb v3 always says 'ok' and throws on a STALL. */
export interface WebUsbInResult {
  status: string;
  data?: DataView | null;
}

export interface WebUsbOutResult {
  status: string;
  bytesWritten: number;
}

export interface WebUsbAlternateLike {
  alternateSetting: number;
  /** The iInterface string; node-usb reads it while building `configuration` and gives null on failure. */
  interfaceName?: string | null;
}

export interface WebUsbInterfaceLike {
  interfaceNumber: number;
  alternates: readonly WebUsbAlternateLike[];
}

export interface WebUsbConfigurationLike {
  configurationValue: number;
  interfaces: readonly WebUsbInterfaceLike[];
}

export interface WebUsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly deviceVersionMajor: number;
  readonly deviceVersionMinor: number;
  readonly deviceVersionSubminor: number;
  /** node-usb: getters that may open the device to read the string, and throw when that fails. */
  readonly manufacturerName?: string | null;
  readonly productName?: string | null;
  readonly serialNumber?: string | null;
  /** node-usb: a getter that opens the device if needed and reads every alternate's string; may throw. */
  readonly configuration?: WebUsbConfigurationLike | null;
  readonly opened?: boolean;
  /** node-usb: opaque id of this enumeration (Linux bus+address, Windows devinst, macOS registry id). */
  readonly handle?: string;
  /** node-usb: Linux "001" (decimal, zero-padded), macOS "14" (hex), Windows "PCIROOT(0)#…#USBROOT(0)". */
  readonly bus?: string | number;
  readonly address?: number;
  readonly ports?: readonly number[];
  /** node-usb: 'low' | 'full' | 'high' | 'super' | 'superPlus', undefined when the OS does not say. */
  readonly speed?: string;
  open(): Promise<void>;
  close(): Promise<void>;
  reset(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void>;
  /** node-usb v3 takes a third `timeout` argument (ms) and passes it to the OS; the spec has none. */
  controlTransferIn(setup: WebUsbControlSetup, length: number, timeoutMs?: number): Promise<WebUsbInResult>;
  controlTransferOut(
    setup: WebUsbControlSetup,
    data: Uint8Array,
    timeoutMs?: number,
  ): Promise<WebUsbOutResult>;
}

export interface WebUsbConnectionEventLike {
  readonly device: WebUsbDeviceLike;
}

export type WebUsbListener = (event: WebUsbConnectionEventLike) => void;

export interface WebUsbLike {
  getDevices(): Promise<WebUsbDeviceLike[]>;
  addEventListener(type: 'connect' | 'disconnect', listener: WebUsbListener): void;
  removeEventListener(type: 'connect' | 'disconnect', listener: WebUsbListener): void;
}
