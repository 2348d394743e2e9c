import { DFU_REQUEST, DFU_STATE, DFU_STATUS, getStatusPayload } from './dfu-codes.js';
import type { MediumKind } from './storage-devices.js';
import { ACK, STALL, dataReply, type StageEnv, type StageOutcome, type StageRequest } from './stage-types.js';
import { mediaReadMs, mediaWriteMs } from './timing-model.js';

/**
 * U-Boot's DFU gadget function and its back-end, as §3.2 describes them (S5 f_dfu.c, S6 dfu.c): the
 * state table, per-entity transactions with strict 0-based block numbers that survive ABORT and
 * SET_INTERFACE, the RAM buffer drained inside a DNLOAD, the deferred flush behind dfuMANIFEST, and
 * UPLOAD replies sized from the 4096-byte request buffer rather than wLength.
 */
export const UBOOT_TRANSFER_SIZE = 4096;

export interface UbootEntity {
  readonly altName: string;
  readonly phaseId: number;
  /** Medium behind the entity, for timing; null for virtual entities. */
  readonly medium: MediumKind | null;
  mediumSizeBytes(): number;
  /** Returns the console error text on failure. */
  writeMedium(offsetBytes: number, data: Uint8Array): string | null;
  readMedium(offsetBytes: number, lengthBytes: number): Uint8Array;
  /** Work the medium does at flush time (UBI erase of the remainder, §5.5). */
  flushMedium(totalBytes: number): { error: string | null; durationMs: number };
}

export interface DfuCallbacks {
  /** A new write transaction starts on `alt`: returns the resume offset (§4.4), or 0. */
  initiated(alt: number): number;
  /** dfu_error_callback: stm32prog records it when `alt` is the current partition's. */
  error(alt: number, message: string): void;
  /** dfu_flush_callback: end-of-phase hooks and next phase; a failure ends the gadget loop. */
  flushed(alt: number, totalBytes: number): { durationMs: number; failure: string | null };
  detach(): void;
  /** Fault injection (scenario write-error): should this write fail? */
  injectWriteError(alt: number, offsetBytes: number, lengthBytes: number): boolean;
}

const MIN_BUFFER_BYTES = 64 * 1024;

interface Transaction {
  seq: number;
  offset: number;
  /** dfu_buf, filled up to bufferedBytes and drained to the medium when bufferSizeBytes would overflow. */
  buffer: Uint8Array | null;
  bufferedBytes: number;
  readLeftBytes: number;
}

export class UbootDfuFunction {
  private state: number = DFU_STATE.dfuIdle;
  private status: number = DFU_STATUS.ok;
  private alt = 0;
  /** Per-entity transaction state; survives ABORT and SET_INTERFACE (§3.2). */
  private readonly transactions = new Map<number, Transaction>();
  /**
   * U-Boot allocates dfu_buf once and reuses it for every entity; here a finished transaction's buffer
   * is kept for the next one. Buffers grow by doubling up to bufferSizeBytes instead of taking the whole
   * 8 MiB at the first block: eight boards on one bus each zero-filling 8 MiB per partition cost more
   * CPU than their whole transfer, and the bench's gang figure measured that instead of the host.
   */
  private spareBuffer: Uint8Array | null = null;

  constructor(
    private readonly env: StageEnv,
    private readonly entities: readonly UbootEntity[],
    private readonly callbacks: DfuCallbacks,
    private readonly bufferSizeBytes: number,
  ) {}

  dfuState(): number {
    return this.state;
  }

  currentAlt(): number {
    return this.alt;
  }

  /** Any SET_INTERFACE: alt = n, dfuIDLE, status OK (§3.2 "any" row). */
  selectAlternate(alt: number): 'ok' | 'stall' {
    if (alt < 0 || alt >= this.entities.length) return 'stall';
    this.alt = alt;
    this.state = DFU_STATE.dfuIdle;
    this.status = DFU_STATUS.ok;
    return 'ok';
  }

  /** A bus reset makes the host set the configuration again, which selects alt 0. */
  usbReset(): void {
    this.selectAlternate(0);
  }

  handle(req: StageRequest): StageOutcome {
    const r = req.request;
    if (r === DFU_REQUEST.getStatus) return this.getStatus();
    if (r === DFU_REQUEST.getState) return dataReply(Uint8Array.of(this.state));
    switch (this.state) {
      case DFU_STATE.appIdle:
        // After DETACH only status requests (and a repeated DETACH) are answered.
        return r === DFU_REQUEST.detach ? ACK : STALL;
      case DFU_STATE.dfuIdle:
        if (r === DFU_REQUEST.dnload) {
          if (req.wLength === 0) {
            this.env.violation('dnload-outside-idle', 'ZLP DNLOAD in dfuIDLE (U-Boot goes to dfuERROR)');
            return this.protocolError();
          }
          this.state = DFU_STATE.dnloadSync;
          return this.write(req);
        }
        if (r === DFU_REQUEST.upload) {
          this.state = DFU_STATE.uploadIdle;
          // The first block's sequence is forced to 0 whatever wValue says (§3.2).
          return this.read(0, req.wLength);
        }
        if (r === DFU_REQUEST.abort) return ACK;
        if (r === DFU_REQUEST.detach) {
          this.state = DFU_STATE.appIdle;
          this.callbacks.detach();
          return ACK;
        }
        return this.protocolError();
      case DFU_STATE.dnloadSync:
        if (r === DFU_REQUEST.dnload)
          this.env.violation('dnload-before-status', 'DNLOAD before GETSTATUS on U-Boot');
        return this.protocolError(r);
      case DFU_STATE.dnloadIdle:
        if (r === DFU_REQUEST.dnload) {
          if (req.wLength === 0) return this.zlp(req.value);
          this.state = DFU_STATE.dnloadSync;
          return this.write(req);
        }
        if (r === DFU_REQUEST.abort) {
          this.state = DFU_STATE.dfuIdle;
          return ACK;
        }
        return this.protocolError(r);
      case DFU_STATE.uploadIdle:
        if (r === DFU_REQUEST.upload) return this.read(req.value, req.wLength);
        if (r === DFU_REQUEST.abort) {
          this.state = DFU_STATE.dfuIdle;
          return ACK;
        }
        return this.protocolError(r);
      case DFU_STATE.dfuError:
        if (r === DFU_REQUEST.clrStatus) {
          this.state = DFU_STATE.dfuIdle;
          this.status = DFU_STATUS.ok;
          return ACK;
        }
        if (r === DFU_REQUEST.detach)
          this.env.violation('detach-outside-idle', 'DETACH to U-Boot in dfuERROR');
        return STALL;
      default:
        // dfuMANIFEST-SYNC and dfuMANIFEST accept only status requests.
        return this.protocolError(r);
    }
  }

  /** Unexpected request: dfuERROR + STALL; bStatus is left as it was (f_dfu). */
  private protocolError(request?: number): StageOutcome {
    if (request === DFU_REQUEST.detach) {
      this.env.violation('detach-outside-idle', `DETACH to U-Boot in state ${this.state}`);
    }
    this.state = DFU_STATE.dfuError;
    return STALL;
  }

  private getStatus(): StageOutcome {
    switch (this.state) {
      case DFU_STATE.dnloadSync:
      case DFU_STATE.dnBusy:
        // Moves to DNLOAD-IDLE before replying, so the host sees 5 (§3.2).
        this.state = DFU_STATE.dnloadIdle;
        return dataReply(getStatusPayload(this.status, 0, this.state));
      case DFU_STATE.manifestSync: {
        this.state = DFU_STATE.manifest;
        const reply = getStatusPayload(this.status, 0, DFU_STATE.manifest);
        // The flush runs after this reply; the next request waits for it (§3.2 MANIFEST row).
        return { reply: { kind: 'data', data: reply }, busyAfterMs: this.flush() };
      }
      case DFU_STATE.manifest:
        this.state = DFU_STATE.dfuIdle;
        return dataReply(getStatusPayload(this.status, 0, DFU_STATE.dfuIdle));
      default:
        return dataReply(getStatusPayload(this.status, 0, this.state));
    }
  }

  private transaction(): Transaction | undefined {
    return this.transactions.get(this.alt);
  }

  private cleanup(): void {
    const t = this.transaction();
    if (t?.buffer && t.buffer.length > (this.spareBuffer?.length ?? 0)) this.spareBuffer = t.buffer;
    this.transactions.delete(this.alt);
  }

  /** Room for `neededBytes` in the transaction's buffer, keeping what it holds. */
  private reserve(t: Transaction, neededBytes: number): Uint8Array {
    if (t.buffer && t.buffer.length >= neededBytes) return t.buffer;
    const spare = this.spareBuffer;
    let next: Uint8Array;
    if (spare && spare !== t.buffer && spare.length >= neededBytes) {
      next = spare;
      this.spareBuffer = null;
    } else {
      const grownBytes = Math.max(MIN_BUFFER_BYTES, (t.buffer?.length ?? 0) * 2, neededBytes);
      next = new Uint8Array(Math.min(grownBytes, Math.max(this.bufferSizeBytes, UBOOT_TRANSFER_SIZE)));
    }
    if (t.buffer && t.bufferedBytes > 0) next.set(t.buffer.subarray(0, t.bufferedBytes));
    t.buffer = next;
    return next;
  }

  private entity(): UbootEntity {
    return this.entities[this.alt]!;
  }

  private fail(message: string, consoleLine: string | null = null): StageOutcome {
    if (consoleLine) this.env.console(consoleLine);
    this.cleanup();
    this.callbacks.error(this.alt, message);
    this.state = DFU_STATE.dfuError;
    this.status = DFU_STATUS.errUnknown;
    // The control transfer itself completes; the host learns of the error from GETSTATUS.
    return ACK;
  }

  private drain(t: Transaction): { error: string | null; durationMs: number } {
    if (t.bufferedBytes === 0) return { error: null, durationMs: 0 };
    const entity = this.entity();
    const data = t.buffer!.subarray(0, t.bufferedBytes);
    t.bufferedBytes = 0;
    const error = entity.writeMedium(t.offset, data);
    t.offset += data.length;
    const durationMs = entity.medium ? mediaWriteMs(this.env.timing, entity.medium, data.length) : 0;
    return { error, durationMs };
  }

  /** dfu_write (S6): sequence check, optional drain, append. */
  private write(req: StageRequest): StageOutcome {
    let data = req.data;
    if (data.length > UBOOT_TRANSFER_SIZE) {
      this.env.violation(
        'wlength-above-transfer-size',
        `U-Boot DNLOAD of ${data.length} bytes (wTransferSize 4096)`,
      );
      data = data.subarray(0, UBOOT_TRANSFER_SIZE);
    }
    let t = this.transaction();
    if (!t) {
      t = {
        seq: 0,
        offset: this.callbacks.initiated(this.alt),
        buffer: null,
        bufferedBytes: 0,
        readLeftBytes: 0,
      };
      this.transactions.set(this.alt, t);
    }
    if (req.value !== t.seq) {
      this.env.violation('block-sequence', `U-Boot expected block ${t.seq}, got ${req.value}`);
      return this.fail(
        'Wrong sequence number',
        `dfu_write: Wrong sequence number! [${t.seq}] [${req.value}]`,
      );
    }
    t.seq = (t.seq + 1) & 0xffff;
    if (this.callbacks.injectWriteError(this.alt, t.offset + t.bufferedBytes, data.length)) {
      return this.fail('DFU write error', 'dfu_write_buffer_drain: Write error!');
    }
    let extraServiceMs = 0;
    if (t.bufferedBytes + data.length > this.bufferSizeBytes) {
      // Drained inside the data stage: the status stage waits for the medium (§3.2 data path).
      const drained = this.drain(t);
      extraServiceMs += drained.durationMs;
      if (drained.error !== null) return { ...this.fail('DFU write error', drained.error), extraServiceMs };
    }
    // One copy into the transaction's buffer (the media copy again when drained: they never keep it).
    this.reserve(t, t.bufferedBytes + data.length).set(data, t.bufferedBytes);
    t.bufferedBytes += data.length;
    return { reply: { kind: 'ack' }, extraServiceMs };
  }

  /** The ZLP: its wValue must be the next block number too (§3.2). */
  private zlp(value: number): StageOutcome {
    const t = this.transaction();
    const expected = t?.seq ?? 0;
    if (value !== expected) {
      this.env.violation('block-sequence', `U-Boot expected ZLP block ${expected}, got ${value}`);
      return this.fail('Wrong sequence number', `dfu_flush: Wrong sequence number! [${expected}] [${value}]`);
    }
    this.state = DFU_STATE.manifestSync;
    return ACK;
  }

  /** The deferred flush (S7): last drain, medium flush, stm32prog hooks. Returns its duration. */
  private flush(): number {
    const t = this.transaction() ?? { seq: 0, offset: 0, buffer: null, bufferedBytes: 0, readLeftBytes: 0 };
    const entity = this.entity();
    const drained = this.drain(t);
    let durationMs = drained.durationMs;
    let failure: string | null;
    if (drained.error !== null) {
      this.callbacks.error(this.alt, 'DFU write error');
      failure = drained.error;
    } else {
      const medium = entity.flushMedium(t.offset);
      durationMs += medium.durationMs;
      failure = medium.error;
    }
    const totalBytes = t.offset;
    this.cleanup();
    if (failure === null) {
      const hooks = this.callbacks.flushed(this.alt, totalBytes);
      durationMs += hooks.durationMs;
      failure = hooks.failure;
    }
    if (failure !== null) {
      this.env.console(failure);
      this.env.console('Deferred dfu_flush() failed!');
      this.env.signal({ type: 'gadget-exit', reset: true, reason: failure });
    }
    return durationMs;
  }

  /** dfu_read (S6): the reply is sized from the 4096-byte request buffer, not from wLength (§4.2). */
  private read(blockSeq: number, wLength: number): StageOutcome {
    if (wLength > UBOOT_TRANSFER_SIZE) {
      this.env.violation(
        'wlength-above-transfer-size',
        `U-Boot UPLOAD of ${wLength} bytes (wTransferSize 4096)`,
      );
    }
    if (wLength === 0) {
      this.state = DFU_STATE.dfuIdle;
      return dataReply(new Uint8Array(0));
    }
    const entity = this.entity();
    let t = this.transaction();
    if (!t) {
      t = { seq: 0, offset: 0, buffer: null, bufferedBytes: 0, readLeftBytes: entity.mediumSizeBytes() };
      this.transactions.set(this.alt, t);
    }
    if (blockSeq !== t.seq) {
      this.env.violation('block-sequence', `U-Boot expected upload block ${t.seq}, got ${blockSeq}`);
      this.env.console(`dfu_read: Wrong sequence number! [${t.seq}] [${blockSeq}]`);
      this.cleanup();
      this.state = DFU_STATE.dfuError;
      this.status = DFU_STATUS.errUnknown;
      return STALL;
    }
    t.seq = (t.seq + 1) & 0xffff;
    const want = Math.min(UBOOT_TRANSFER_SIZE, t.readLeftBytes);
    const data = entity.readMedium(t.offset, want);
    t.offset += data.length;
    t.readLeftBytes -= data.length;
    if (data.length < UBOOT_TRANSFER_SIZE) this.cleanup();
    this.state = data.length < wLength ? DFU_STATE.dfuIdle : DFU_STATE.uploadIdle;
    const extraServiceMs = entity.medium ? mediaReadMs(this.env.timing, entity.medium, data.length) : 0;
    return { reply: { kind: 'data', data }, extraServiceMs };
  }
}
