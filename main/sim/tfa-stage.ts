import { buildDescriptorSet, type DescriptorSet } from './descriptors.js';
import {
  DFU_REQUEST,
  DFU_STATE,
  DFU_STATUS,
  PHASE,
  asciiBytes,
  concatBytes,
  getStatusPayload,
  phaseReplyHeader,
} from './dfu-codes.js';
import type { StageIdentity } from './rom-stage.js';
import { tfaProduct } from './soc-profiles.js';
import { isFipToc, readStm32Header } from './stm32-image.js';
import {
  ACK,
  STALL,
  dataReply,
  type DfuStage,
  type StageEnv,
  type StageOutcome,
  type StageRequest,
} from './stage-types.js';

/** Which TF-A USB session this is: MP1 has one, MP2 two (DDR FIP, then FIP) (§1.1, §9.2). */
export type TfaSession = 'fip' | 'ddr-fip';

export interface TfaOptions {
  session: TfaSession;
  /** ST TF-A ≤ v2.4 on MP15: asks for the layout (phase 0x00, STM32 header) first (§4.3 old flow). */
  legacy: boolean;
}

/** What the board does after TF-A's DETACH, decided by what TF-A had accepted. */
export type TfaDetachOutcome = 'ddr-fip-loaded' | 'fip-loaded' | 'incomplete';

const TFA_WTRANSFER_SIZE = 1024;
const UNDEFINED_ADDRESS = 0xffffffff;
const LEGACY_LAYOUT_SIZE_BYTES = 1024 * 1024;

/**
 * TF-A BL2 built with STM32MP_USB_PROGRAMMER (§3.3, T1/T2): GETSTATUS reports the current state then
 * advances (3 then 5, 7 with bwPollTimeout 1), CLRSTATUS outside dfuERROR is an error, wValue is
 * ignored, only the command alt is readable, DETACH is accepted in any state.
 */
export class TfaStage implements DfuStage {
  readonly stage = 'tfa' as const;
  private state: number = DFU_STATE.dfuIdle;
  private status: number = DFU_STATUS.ok;
  private alt = 0;
  private phase: number;
  private address: number | null;
  private bufferBase: number;
  private bufferSizeBytes: number;
  private chunks: Uint8Array[] = [];
  private receivedBytes = 0;
  private errorMessage = '';
  private outcome: TfaDetachOutcome = 'incomplete';
  private legacyLayout: Uint8Array | null = null;
  private readonly set: DescriptorSet;
  private readonly altPhases: Record<number, number>;

  constructor(
    private readonly env: StageEnv,
    identity: StageIdentity,
    private readonly options: TfaOptions,
  ) {
    const profile = env.profile;
    this.altPhases = { ...profile.tfaAltPhases };
    if (options.legacy) this.altPhases[0] = PHASE.flashLayout;
    this.set = buildDescriptorSet({
      style: 'st-firmware',
      vid: 0x0483,
      pid: 0xdf11,
      bcdDevice: 0x0200,
      manufacturer: 'STMicroelectronics',
      product: tfaProduct(profile, identity.revisionId, identity.socName),
      serial: identity.serial,
      altNames: profile.tfaAlts,
    });
    if (options.legacy) {
      this.phase = PHASE.flashLayout;
      this.bufferBase = profile.dramBase;
      this.bufferSizeBytes = LEGACY_LAYOUT_SIZE_BYTES;
    } else if (options.session === 'ddr-fip') {
      this.phase = PHASE.ddrFip;
      this.bufferBase = profile.ddrFipBufferBase ?? profile.fipBufferBase;
      this.bufferSizeBytes = profile.ddrFipBufferSizeBytes;
    } else {
      this.phase = PHASE.ssbl;
      this.bufferBase = profile.fipBufferBase;
      this.bufferSizeBytes = profile.fipBufferSizeBytes;
    }
    this.address = this.bufferBase;
  }

  descriptors(): DescriptorSet {
    return this.set;
  }

  dfuState(): number {
    return this.state;
  }

  currentAlt(): number {
    return this.alt;
  }

  detachOutcome(): TfaDetachOutcome {
    return this.outcome;
  }

  /** The layout an old TF-A stored at the start of DRAM (§1.1), for a legacy U-Boot to pick up. */
  legacyLayoutReceived(): Uint8Array | null {
    return this.legacyLayout;
  }

  /** SET_INTERFACE records the alt and does not touch the state (§3.3). */
  selectAlternate(alt: number): 'ok' | 'stall' {
    if (alt < 0 || alt >= this.set.altNames.length) return 'stall';
    this.alt = alt;
    return 'ok';
  }

  usbReset(): void {
    // T2 re-initialises the USB core on a bus reset; the DFU state is modelled as kept.
    this.alt = 0;
  }

  handle(req: StageRequest): StageOutcome {
    switch (req.request) {
      case DFU_REQUEST.dnload:
        return req.wLength > 0 ? this.dnloadBlock(req) : this.dnloadZlp();
      case DFU_REQUEST.getStatus:
        return this.getStatus();
      case DFU_REQUEST.getState:
        return dataReply(Uint8Array.of(this.state));
      case DFU_REQUEST.clrStatus:
        if (this.state === DFU_STATE.dfuError) {
          this.state = DFU_STATE.dfuIdle;
          this.status = DFU_STATUS.ok;
        } else {
          this.env.violation('clrstatus-outside-error', `CLRSTATUS to TF-A in state ${this.state}`);
          this.state = DFU_STATE.dfuError;
          this.status = DFU_STATUS.errUnknown;
        }
        return ACK;
      case DFU_REQUEST.abort:
        if (this.state === DFU_STATE.dfuError || this.state === DFU_STATE.manifest) return STALL;
        this.state = DFU_STATE.dfuIdle;
        this.status = DFU_STATUS.ok;
        return ACK;
      case DFU_REQUEST.upload:
        return this.upload(req);
      case DFU_REQUEST.detach:
        this.env.console('Receive DFU Detach');
        this.env.signal({ type: 'detach' });
        return ACK;
      default:
        return STALL;
    }
  }

  private phaseError(message: string): void {
    this.phase = PHASE.reset;
    if (this.errorMessage === '') this.errorMessage = message;
    this.env.console(message);
  }

  private dnloadBlock(req: StageRequest): StageOutcome {
    if (this.state !== DFU_STATE.dfuIdle && this.state !== DFU_STATE.dnloadIdle) {
      const rule = this.state === DFU_STATE.dnloadSync ? 'dnload-before-status' : 'dnload-outside-idle';
      this.env.violation(rule, `TF-A DNLOAD in state ${this.state}`);
      return STALL;
    }
    if (req.wLength > TFA_WTRANSFER_SIZE) {
      this.env.violation(
        'wlength-above-transfer-size',
        `TF-A DNLOAD of ${req.wLength} bytes (wTransferSize 1024)`,
      );
      return STALL;
    }
    const altPhase = this.altPhases[this.alt];
    if (altPhase !== this.phase || this.address === null) {
      const address = this.address === null ? UNDEFINED_ADDRESS : this.address;
      this.env.violation(
        'download-to-wrong-phase',
        `DNLOAD on alt ${this.alt} while TF-A is in phase 0x${this.phase.toString(16)}`,
      );
      this.phaseError(`phase ID :${this.phase}, alternate ${this.alt}, address 0x${address.toString(16)}`);
      return STALL;
    }
    if (this.receivedBytes + req.data.length > this.bufferSizeBytes) {
      // Past base + len: STALL, the phase does not change (§3.3).
      return STALL;
    }
    if (this.state === DFU_STATE.dfuIdle && this.receivedBytes === 0) this.chunks = [];
    this.chunks.push(req.data.slice());
    this.receivedBytes += req.data.length;
    this.address += req.data.length;
    this.state = DFU_STATE.dnloadSync;
    return ACK;
  }

  /** Manifestation runs while the ZLP is handled (§3.3). */
  private dnloadZlp(): StageOutcome {
    if (this.state !== DFU_STATE.dnloadIdle) {
      this.env.violation('dnload-outside-idle', `TF-A ZLP DNLOAD in state ${this.state}`);
      return STALL;
    }
    const image = concatBytes(...this.chunks);
    this.chunks = [];
    this.receivedBytes = 0;
    const phaseId = this.phase;
    if (phaseId === PHASE.flashLayout) {
      // Old TF-A waits for the STM32 magic on the layout (T10).
      const ok = readStm32Header(image) !== null;
      this.env.received({
        phaseId,
        altIndex: this.alt,
        bytes: image,
        accepted: ok,
        verdict: ok ? null : 'no STM32 header',
      });
      if (!ok) {
        this.phaseError(`Flashlayout header check failed for phase ${this.alt}`);
        return STALL;
      }
      this.legacyLayout = image;
      this.phase = PHASE.ssbl;
      this.bufferBase = this.env.profile.fipBufferBase;
      this.bufferSizeBytes = this.env.profile.fipBufferSizeBytes;
      this.address = this.bufferBase;
      this.state = DFU_STATE.manifestSync;
      return ACK;
    }
    // The old flow also loaded u-boot.stm32 as phase 0x03 (T10), so a legacy TF-A takes either.
    const ok = isFipToc(image) || (this.options.legacy && readStm32Header(image) !== null);
    this.env.received({
      phaseId,
      altIndex: this.alt,
      bytes: image,
      accepted: ok,
      verdict: ok ? null : 'FIP TOC check failed',
    });
    if (!ok) {
      this.phaseError(`FIP Header check failed for phase ${this.alt}`);
      return STALL;
    }
    this.env.console(`phase ID :${phaseId}, Manifestation ${phaseId} at ${(this.address ?? 0).toString(16)}`);
    this.outcome = phaseId === PHASE.ddrFip ? 'ddr-fip-loaded' : 'fip-loaded';
    this.phase = PHASE.flashLayout;
    this.address = null;
    this.state = DFU_STATE.manifestSync;
    this.env.console('Send detach request');
    return ACK;
  }

  private getStatus(): StageOutcome {
    const reported = this.state;
    if (reported === DFU_STATE.dnloadSync) {
      this.state = DFU_STATE.dnloadIdle;
      return dataReply(getStatusPayload(this.status, 0, reported));
    }
    if (reported === DFU_STATE.manifestSync) {
      this.state = DFU_STATE.dfuIdle;
      return dataReply(getStatusPayload(this.status, 1, DFU_STATE.manifest));
    }
    return dataReply(getStatusPayload(this.status, 0, reported));
  }

  private getPhaseReply(): Uint8Array {
    const header = phaseReplyHeader(this.phase, this.address ?? UNDEFINED_ADDRESS, 0);
    if (this.phase === PHASE.reset) return concatBytes(header, asciiBytes(this.errorMessage));
    if (this.phase === PHASE.flashLayout && this.address === null)
      return concatBytes(header, Uint8Array.of(1));
    // The old TF-A asking for the layout sends 9 bytes (§4.2).
    return header;
  }

  private upload(req: StageRequest): StageOutcome {
    if (this.state !== DFU_STATE.dfuIdle && this.state !== DFU_STATE.uploadIdle) return STALL;
    if (req.wLength === 0) {
      this.state = DFU_STATE.dfuIdle;
      return dataReply(new Uint8Array(0));
    }
    if (this.altPhases[this.alt] !== PHASE.cmd) {
      this.phaseError(`upload on alternate ${this.alt} refused`);
      this.state = DFU_STATE.dfuError;
      this.status = DFU_STATUS.errStalledPkt;
      return STALL;
    }
    if (req.wLength > TFA_WTRANSFER_SIZE) {
      this.env.violation(
        'wlength-above-transfer-size',
        `TF-A UPLOAD of ${req.wLength} bytes (wTransferSize 1024)`,
      );
    }
    const reply = this.getPhaseReply();
    // TF-A queues what it computed; the USB core sends no more than wLength (modelling choice).
    const data = reply.subarray(0, Math.min(reply.length, req.wLength));
    this.state = data.length < req.wLength ? DFU_STATE.dfuIdle : DFU_STATE.uploadIdle;
    return dataReply(data);
  }
}
