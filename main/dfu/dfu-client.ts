import { AppError, isAppError } from '../core/app-error.js';
import { abortedError, type Clock } from '../core/clock.js';
import type { AltSettingInfo } from '../../shared/domain/board-identity.js';
import type { IoOptions, UsbTransport } from '../transport/usb-transport.js';
import { ignoreAnomalies, type DfuAnomaly, type DfuAnomalySink } from './dfu-anomaly.js';
import {
  isDfuInterface,
  readConfigurationDescriptor,
  readDfuFunctionalDescriptor,
  readStringDescriptor,
  type ConfigurationDescriptor,
  type DfuFunctionalDescriptor,
  type InterfaceAltDescriptor,
} from './dfu-descriptors.js';
import { runDownload, type DownloadOptions, type DownloadResult } from './dfu-download.js';
import { ensureIdle, waitForState, type WaitForStateOptions } from './dfu-poll.js';
import {
  dfuAbort,
  dfuClrStatus,
  dfuDetach,
  dfuGetState,
  dfuGetStatus,
  type DfuStatusResult,
} from './dfu-requests.js';
import type { DfuStatus } from './dfu-status.js';
import { runUpload, type UploadOptions } from './dfu-upload.js';

/** Every knob that is a time. Defaults follow protocol §3.5 (5 s ordinary, ≥ 30 s where U-Boot flushes). */
export interface DfuTimeouts {
  /** Ordinary control transfers. */
  controlMs: number;
  /** A DNLOAD data block: U-Boot drains its 8 MiB buffer inside the data stage, delaying the status stage. */
  dnloadMs: number;
  /** Each GETSTATUS after the zero-length DNLOAD: U-Boot answers the one that reports dfuIDLE only after the flush. */
  manifestStatusMs: number;
  /** Longest one state poll (many GETSTATUS in a row) may last before it is a timeout. */
  pollBudgetMs: number;
  /** Longest bwPollTimeout honoured as is; a larger request is clamped and reported. */
  maxPollTimeoutMs: number;
}

export const DEFAULT_DFU_TIMEOUTS: DfuTimeouts = {
  controlMs: 5_000,
  dnloadMs: 30_000,
  manifestStatusMs: 30_000,
  pollBudgetMs: 60_000,
  maxPollTimeoutMs: 30_000,
};

export interface DfuClientOptions {
  clock: Clock;
  onAnomaly?: DfuAnomalySink;
  /** The DFU interface; 0 on every STM32MP stage. */
  interfaceNumber?: number;
  configurationValue?: number;
  timeouts?: Partial<DfuTimeouts>;
  /** Used only when the device offers no functional descriptor at all (otherwise open() fails). */
  fallbackTransferSizeBytes?: number;
}

/** Per-call options: cancellation and an optional timeout override for the request(s) involved. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type DetachOutcome =
  { outcome: 'accepted' } | { outcome: 'tolerated-failure'; code: string; message: string };

/**
 * A DFU 1.1 client over one opened UsbTransport (one enumeration of one board). It does no I/O of its
 * own: all traffic goes through the transport, all waiting through the injected Clock, and everything
 * odd the device does is reported through `onAnomaly`.
 */
export class DfuClient {
  readonly timeouts: DfuTimeouts;
  readonly clock: Clock;
  readonly interfaceNumber: number;
  private currentAlternate: number | null = null;
  private readonly sink: DfuAnomalySink;

  private constructor(
    readonly transport: UsbTransport,
    readonly configuration: ConfigurationDescriptor,
    readonly functional: DfuFunctionalDescriptor,
    options: DfuClientOptions,
  ) {
    this.clock = options.clock;
    this.sink = options.onAnomaly ?? ignoreAnomalies;
    this.interfaceNumber = options.interfaceNumber ?? 0;
    this.timeouts = { ...DEFAULT_DFU_TIMEOUTS, ...options.timeouts };
  }

  /**
   * Selects configuration 1, claims the DFU interface and reads the configuration descriptor set
   * (for the alts and the functional descriptor with wTransferSize).
   */
  static async open(
    transport: UsbTransport,
    options: DfuClientOptions,
    call: CallOptions = {},
  ): Promise<DfuClient> {
    const interfaceNumber = options.interfaceNumber ?? 0;
    const io: IoOptions = {
      timeoutMs: call.timeoutMs ?? options.timeouts?.controlMs ?? DEFAULT_DFU_TIMEOUTS.controlMs,
      signal: call.signal,
    };
    await transport.selectConfiguration(options.configurationValue ?? 1, io);
    await transport.claimInterface(interfaceNumber, io);
    const configuration = await readConfigurationDescriptor(transport, 0, io);
    const dfuAlt = configuration.alts.find((a) => a.interfaceNumber === interfaceNumber && isDfuInterface(a));
    let functional = dfuAlt?.functional ?? configuration.functional;
    functional ??= await readDfuFunctionalDescriptor(transport, interfaceNumber, io);
    if (!functional && options.fallbackTransferSizeBytes) {
      functional = {
        attributes: 0x0f,
        canDownload: true,
        canUpload: true,
        manifestationTolerant: true,
        willDetach: true,
        detachTimeoutMs: 0,
        transferSizeBytes: options.fallbackTransferSizeBytes,
        bcdDFUVersion: null,
      };
    }
    if (!functional || functional.transferSizeBytes === 0) {
      throw new AppError(
        'dfu-descriptor-missing',
        'The device has no usable DFU functional descriptor (wTransferSize unknown).',
        { interfaceNumber, warnings: configuration.warnings, alts: configuration.alts.length },
        'Is this really a DFU interface? Every STM32MP stage (ROM, TF-A, U-Boot) advertises one.',
      );
    }
    return new DfuClient(transport, configuration, functional, options);
  }

  get transferSizeBytes(): number {
    return this.functional.transferSizeBytes;
  }

  /** The alternate settings of the DFU interface, in descriptor order. */
  get alts(): InterfaceAltDescriptor[] {
    return this.configuration.alts.filter((a) => a.interfaceNumber === this.interfaceNumber);
  }

  get selectedAlternate(): number | null {
    return this.currentAlternate;
  }

  /** For the DFU modules (download, upload, poll) and the ST layer: records an anomaly. */
  report(anomaly: DfuAnomaly): void {
    this.sink(anomaly);
  }

  io(call: CallOptions = {}, defaultTimeoutMs: number = this.timeouts.controlMs): IoOptions {
    if (call.signal?.aborted) throw abortedError(call.signal);
    return { timeoutMs: call.timeoutMs ?? defaultTimeoutMs, signal: call.signal };
  }

  /** Reads every alt's iInterface string (fallback when the bus snapshot has no names). */
  async readAltNames(call: CallOptions = {}): Promise<AltSettingInfo[]> {
    const result: AltSettingInfo[] = [];
    for (const alt of this.alts) {
      let name: string | null = null;
      if (alt.iInterface !== 0) {
        name = await readStringDescriptor(this.transport, alt.iInterface, this.io(call));
      }
      result.push({ index: alt.alternateSetting, name });
    }
    return result;
  }

  /** SET_INTERFACE. A stall means the device refuses the alternate. */
  async selectAlternate(alternate: number, call: CallOptions = {}): Promise<void> {
    if (!this.alts.some((a) => a.alternateSetting === alternate)) {
      throw new AppError('alt-not-found', `Alternate setting ${alternate} does not exist on this device.`, {
        alternate,
        available: this.alts.map((a) => a.alternateSetting),
      });
    }
    const result = await this.transport.selectAlternate(this.interfaceNumber, alternate, this.io(call));
    if (result === 'stall') {
      this.report({
        kind: 'stall',
        atMs: this.clock.nowMs(),
        request: 'SET_INTERFACE',
        context: `alt ${alternate}`,
      });
      throw new AppError('stall', `SET_INTERFACE to alternate ${alternate} was refused.`, {
        request: 'SET_INTERFACE',
        alternate,
      });
    }
    this.currentAlternate = alternate;
  }

  /** GETSTATUS without policy: a stall comes back as a result. */
  async getStatusRaw(call: CallOptions = {}): Promise<DfuStatusResult> {
    return dfuGetStatus(this.transport, this.interfaceNumber, this.io(call));
  }

  /** GETSTATUS; a stall is reported and thrown. */
  async getStatus(call: CallOptions & { context?: string } = {}): Promise<DfuStatus> {
    const result = await this.getStatusRaw(call);
    if (result.status === 'stall') throw this.stallError('GETSTATUS', call.context ?? 'getStatus');
    return result.value;
  }

  async getState(call: CallOptions = {}): Promise<number> {
    const result = await dfuGetState(this.transport, this.interfaceNumber, this.io(call));
    if (result.status === 'stall') throw this.stallError('GETSTATE', 'getState');
    return result.state;
  }

  /**
   * CLRSTATUS. Callers must only send it when the last status said dfuERROR: TF-A turns a CLRSTATUS in
   * any other state into dfuERROR/errUNKNOWN (protocol §3.3, failure #12). `ensureIdle` does this right.
   */
  async clearStatus(call: CallOptions = {}): Promise<void> {
    const result = await dfuClrStatus(this.transport, this.interfaceNumber, this.io(call));
    if (result.status === 'stall') throw this.stallError('CLRSTATUS', 'clearStatus');
  }

  async abort(call: CallOptions = {}): Promise<void> {
    const result = await dfuAbort(this.transport, this.interfaceNumber, this.io(call));
    if (result.status === 'stall') throw this.stallError('ABORT', 'abort');
  }

  /** Brings the interface to dfuIDLE: CLRSTATUS only from dfuERROR, ABORT where DFU allows it. */
  ensureIdle(call: CallOptions & { context?: string } = {}): Promise<DfuStatus> {
    return ensureIdle(this, call);
  }

  /** Polls GETSTATUS (honouring bwPollTimeout through the clock) until an accepted state. */
  waitForState(options: WaitForStateOptions): Promise<DfuStatus> {
    return waitForState(this, options);
  }

  /**
   * DFU_DETACH. The board usually drops off the bus while this transfer is in flight, so device-gone,
   * transfer failures (EIO/ENODEV/EPIPE) and stalls are tolerated and reported (protocol §3.1).
   * `checkIdleFirst` is for U-Boot, which only honours DETACH in dfuIDLE (§3.2, failure #10).
   */
  async detach(call: CallOptions & { checkIdleFirst?: boolean } = {}): Promise<DetachOutcome> {
    if (call.checkIdleFirst) await this.ensureIdle({ ...call, context: 'before DETACH' });
    const detachValueMs = this.functional.detachTimeoutMs || 1000;
    try {
      const result = await dfuDetach(this.transport, this.interfaceNumber, detachValueMs, this.io(call));
      if (result.status === 'ok') return { outcome: 'accepted' };
      return this.tolerateDetachFailure('stall', 'DETACH was answered with a STALL.');
    } catch (error) {
      if (isAppError(error, 'device-gone') || isAppError(error, 'transfer-failed')) {
        return this.tolerateDetachFailure(error.code, error.message);
      }
      throw error;
    }
  }

  /** Streams a file into `alternate` (see dfu-download.ts). */
  download(options: DownloadOptions): Promise<DownloadResult> {
    return runDownload(this, options);
  }

  /** Reads `alternate` until a short packet (see dfu-upload.ts). */
  upload(options: UploadOptions): Promise<Uint8Array> {
    return runUpload(this, options);
  }

  /** Releases the interface and the handle. Never throws. */
  close(): Promise<void> {
    return this.transport.close();
  }

  stallError(request: 'GETSTATUS' | 'GETSTATE' | 'CLRSTATUS' | 'ABORT', context: string): AppError {
    this.report({ kind: 'stall', atMs: this.clock.nowMs(), request, context });
    return new AppError('stall', `${request} was refused (STALL).`, { request, context });
  }

  private tolerateDetachFailure(code: string, message: string): DetachOutcome {
    this.report({ kind: 'detach-failure-tolerated', atMs: this.clock.nowMs(), code, message });
    return { outcome: 'tolerated-failure', code, message };
  }
}
