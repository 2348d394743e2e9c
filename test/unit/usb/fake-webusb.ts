import type {
  WebUsbConfigurationLike,
  WebUsbControlSetup,
  WebUsbDeviceLike,
  WebUsbInResult,
  WebUsbLike,
  WebUsbListener,
  WebUsbOutResult,
} from '../../../main/usb/webusb-types.js';

/**
 * A WebUSB object that behaves like node-usb v3 where it matters: control requests need an open device
 * and a claimed interface ("controlTransferIn error: invalid state" otherwise), STALLs and disconnects
 * are exceptions with nusb's words, and getters may throw. Behaviours can be replaced per test.
 */

export interface FakeAlt {
  alternateSetting: number;
  /** The real iInterface string (what GET_DESCRIPTOR returns). */
  name: string | null;
  /** What the library's `interfaceName` shows; default = name. null simulates a failed string read. */
  libraryName?: string | null;
}

export interface FakeDeviceSpec {
  handle?: string;
  vendorId?: number;
  productId?: number;
  bcdDevice?: number;
  manufacturer?: string | null;
  product?: string | null;
  serial?: string | null;
  bus?: string;
  ports?: number[];
  address?: number;
  speed?: string;
  alts?: FakeAlt[];
}

export const ROM_MP15_ALTS: FakeAlt[] = [
  { alternateSetting: 0, name: '@Partition0 /0x00/1*256Ke' },
  { alternateSetting: 1, name: '@FSBL /0x01/1*1Me' },
  { alternateSetting: 2, name: '@Partition2 /0x02/1*1Me' },
  { alternateSetting: 3, name: '@Partition3 /0x03/1*16Me' },
  { alternateSetting: 4, name: '@Partition4 /0x04/1*16Me' },
  { alternateSetting: 5, name: '@virtual /0xF1/1*512Ba' },
];

function stringDescriptor(text: string): number[] {
  const bytes = [2 + 2 * text.length, 0x03];
  for (const ch of text) bytes.push(ch.charCodeAt(0) & 0xff, ch.charCodeAt(0) >> 8);
  return bytes;
}

export class FakeDevice implements WebUsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly deviceVersionMajor: number;
  readonly deviceVersionMinor: number;
  readonly deviceVersionSubminor: number;
  readonly handle: string | undefined;
  readonly bus: string | undefined;
  readonly ports: number[];
  readonly address: number;
  readonly speed: string | undefined;
  readonly alts: FakeAlt[];
  opened = false;
  disconnected = false;
  readonly claimed = new Set<number>();
  readonly calls: string[] = [];
  /** Replace to make a getter throw (e.g. node-usb's "open error: …" when it cannot read a string). */
  stringError: Error | null = null;
  configurationError: Error | null = null;
  readonly spec: FakeDeviceSpec;

  // Per-test behaviour overrides; the defaults model a healthy device.
  openImpl: () => Promise<void> = () => this.defaultOpen();
  claimImpl: (n: number) => Promise<void> = (n) => this.defaultClaim(n);
  selectAltImpl: (n: number, alt: number) => Promise<void> = () => this.live('selectAlternateInterface');
  selectConfigImpl: (v: number) => Promise<void> = () => this.live('selectConfiguration');
  resetImpl: () => Promise<void> = () => this.live('reset');
  closeImpl: () => Promise<void> = () => {
    this.opened = false;
    this.claimed.clear();
    return Promise.resolve();
  };
  controlInImpl: (setup: WebUsbControlSetup, length: number, timeoutMs?: number) => Promise<WebUsbInResult> =
    (setup, length) => this.defaultControlIn(setup, length);
  controlOutImpl: (
    setup: WebUsbControlSetup,
    data: Uint8Array,
    timeoutMs?: number,
  ) => Promise<WebUsbOutResult> = (_setup, data) =>
    this.requireClaimed('controlTransferOut').then(() => ({ status: 'ok', bytesWritten: data.length }));

  constructor(spec: FakeDeviceSpec = {}) {
    this.spec = spec;
    const bcd = spec.bcdDevice ?? 0x0200;
    this.vendorId = spec.vendorId ?? 0x0483;
    this.productId = spec.productId ?? 0xdf11;
    this.deviceVersionMajor = bcd >> 8;
    this.deviceVersionMinor = (bcd >> 4) & 0xf;
    this.deviceVersionSubminor = bcd & 0xf;
    this.handle = spec.handle;
    this.bus = spec.bus ?? '001';
    this.ports = spec.ports ?? [2];
    this.address = spec.address ?? 5;
    this.speed = 'speed' in spec ? spec.speed : 'high';
    this.alts = spec.alts ?? ROM_MP15_ALTS;
  }

  get manufacturerName(): string | null {
    if (this.stringError) throw this.stringError;
    return this.spec.manufacturer === undefined ? 'STMicroelectronics' : this.spec.manufacturer;
  }
  get productName(): string | null {
    if (this.stringError) throw this.stringError;
    return this.spec.product === undefined
      ? 'DFU in HS Mode @Device ID /0x500, @Revision ID /0x0000'
      : this.spec.product;
  }
  get serialNumber(): string | null {
    if (this.stringError) throw this.stringError;
    return this.spec.serial === undefined ? '003B00213439511334383734' : this.spec.serial;
  }
  get configuration(): WebUsbConfigurationLike {
    if (this.configurationError) throw this.configurationError;
    return {
      configurationValue: 1,
      interfaces: [
        {
          interfaceNumber: 0,
          alternates: this.alts.map((a) => ({
            alternateSetting: a.alternateSetting,
            interfaceName: a.libraryName === undefined ? a.name : a.libraryName,
          })),
        },
      ],
    };
  }

  open(): Promise<void> {
    this.calls.push('open');
    return this.openImpl();
  }
  close(): Promise<void> {
    this.calls.push('close');
    return this.closeImpl();
  }
  reset(): Promise<void> {
    this.calls.push('reset');
    return this.resetImpl();
  }
  selectConfiguration(value: number): Promise<void> {
    this.calls.push(`selectConfiguration ${value}`);
    return this.selectConfigImpl(value);
  }
  claimInterface(n: number): Promise<void> {
    this.calls.push(`claimInterface ${n}`);
    return this.claimImpl(n);
  }
  releaseInterface(n: number): Promise<void> {
    this.calls.push(`releaseInterface ${n}`);
    this.claimed.delete(n);
    return Promise.resolve();
  }
  selectAlternateInterface(n: number, alt: number): Promise<void> {
    this.calls.push(`selectAlternateInterface ${n} ${alt}`);
    return this.selectAltImpl(n, alt);
  }
  controlTransferIn(setup: WebUsbControlSetup, length: number, timeoutMs?: number): Promise<WebUsbInResult> {
    this.calls.push(
      `controlIn ${setup.requestType}/${setup.recipient} ${setup.request} ${setup.value} ${setup.index} ${length} t=${timeoutMs}`,
    );
    return this.controlInImpl(setup, length, timeoutMs);
  }
  controlTransferOut(
    setup: WebUsbControlSetup,
    data: Uint8Array,
    timeoutMs?: number,
  ): Promise<WebUsbOutResult> {
    this.calls.push(
      `controlOut ${setup.requestType}/${setup.recipient} ${setup.request} ${setup.value} ${setup.index} [${data.length}] t=${timeoutMs}`,
    );
    return this.controlOutImpl(setup, data, timeoutMs);
  }

  /** The standard descriptors this device answers with (ROM-style string indices: iInterface = 6 + n). */
  descriptor(type: number, index: number): number[] | null {
    if (type === 0x02) {
      const interfaces = this.alts.flatMap((a) => [
        9,
        4,
        0,
        a.alternateSetting,
        0,
        0xfe,
        1,
        2,
        a.name ? 6 + a.alternateSetting : 0,
      ]);
      const total = 9 + interfaces.length + 9;
      const functional = [9, 0x21, 0x0f, 0xff, 0, 0, 4, 0x10, 1];
      return [9, 2, total & 0xff, total >> 8, 1, 1, 2, 0xc0, 0x32, ...interfaces, ...functional];
    }
    if (type === 0x03 && index === 0) return [4, 3, 0x09, 0x04];
    if (type === 0x03) {
      const alt = this.alts.find((a) => 6 + a.alternateSetting === index);
      return alt?.name ? stringDescriptor(alt.name) : null;
    }
    return null;
  }

  private live(method: string): Promise<void> {
    if (this.disconnected) return Promise.reject(new Error(`${method} error: device disconnected`));
    if (!this.opened) return Promise.reject(new Error(`${method} error: invalid state`));
    return Promise.resolve();
  }

  private defaultOpen(): Promise<void> {
    if (this.disconnected) return Promise.reject(new Error('open error: device not found (errno 2)'));
    this.opened = true;
    return Promise.resolve();
  }

  private async defaultClaim(n: number): Promise<void> {
    await this.live('claimInterface');
    this.claimed.add(n);
  }

  private async requireClaimed(method: string): Promise<void> {
    await this.live(method);
    if (this.claimed.size === 0) throw new Error(`${method} error: invalid state`);
  }

  private async defaultControlIn(setup: WebUsbControlSetup, length: number): Promise<WebUsbInResult> {
    await this.requireClaimed('controlTransferIn');
    if (setup.requestType === 'standard' && setup.request === 0x06) {
      const bytes = this.descriptor(setup.value >> 8, setup.value & 0xff);
      if (!bytes) throw new Error('controlTransferIn error: endpoint stalled');
      return { status: 'ok', data: new DataView(new Uint8Array(bytes.slice(0, length)).buffer) };
    }
    return { status: 'ok', data: new DataView(new Uint8Array(Math.min(length, 6)).buffer) };
  }
}

export class FakeWebUsb implements WebUsbLike {
  readonly devices: FakeDevice[] = [];
  private readonly listeners = new Map<string, Set<WebUsbListener>>();
  getDevicesError: Error | null = null;
  getDevicesCalls = 0;

  constructor(devices: FakeDevice[] = []) {
    this.devices.push(...devices);
  }

  getDevices(): Promise<WebUsbDeviceLike[]> {
    this.getDevicesCalls++;
    if (this.getDevicesError) return Promise.reject(this.getDevicesError);
    return Promise.resolve([...this.devices]);
  }

  addEventListener(type: 'connect' | 'disconnect', listener: WebUsbListener): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }

  removeEventListener(type: 'connect' | 'disconnect', listener: WebUsbListener): void {
    this.listeners.get(type)?.delete(listener);
  }

  listenerCount(): number {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }

  plug(device: FakeDevice): FakeDevice {
    this.devices.push(device);
    for (const l of this.listeners.get('connect') ?? []) l({ device });
    return device;
  }

  /** The board leaves the bus: later calls on it fail the way node-usb's do. */
  unplug(device: FakeDevice, options: { silent?: boolean } = {}): void {
    const i = this.devices.indexOf(device);
    if (i >= 0) this.devices.splice(i, 1);
    device.disconnected = true;
    if (!options.silent) for (const l of this.listeners.get('disconnect') ?? []) l({ device });
  }
}

/** Resolves after pending promise jobs and immediates: lets the bus queue deliver. */
export async function flush(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
