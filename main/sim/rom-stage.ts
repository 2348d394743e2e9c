import { buildDescriptorSet, type DescriptorSet } from './descriptors.js';
import {
  DFU_REQUEST,
  DFU_STATE,
  DFU_STATUS,
  PHASE,
  getStatusPayload,
  phaseReplyHeader,
  concatBytes,
} from './dfu-codes.js';
import { romProduct } from './soc-profiles.js';
import { checkFsblImage } from './stm32-image.js';
import {
  ACK,
  STALL,
  dataReply,
  type DfuStage,
  type StageEnv,
  type StageOutcome,
  type StageRequest,
} from './stage-types.js';

export interface StageIdentity {
  revisionId: number;
  serial: string | null;
  socName: string;
  fullSpeed: boolean;
  secureClosed: boolean;
}

const ROM_WTRANSFER_SIZE = 1024;
const ROM_POLL_MS = 1;

/**
 * The boot ROM in serial boot (§3.4, §9.1). Its source is not public: this follows the observed
 * behaviour — 4 then 5 with bwPollTimeout 1 after each block, 7 after the ZLP, then the header check.
 */
export class RomStage implements DfuStage {
  readonly stage = 'rom' as const;
  private state: number = DFU_STATE.dfuIdle;
  private status: number = DFU_STATUS.ok;
  private alt = 0;
  private chunks: Uint8Array[] = [];
  private receivedBytes = 0;
  /** MP13/MP25: the FSBL passed the check; DETACH or a USB reset starts it (§1.1). */
  private fsblAccepted = false;
  private readonly set: DescriptorSet;
  /** Room for the FSBL payload plus the largest header (§6.1). */
  private readonly bufferLimitBytes: number;

  constructor(
    private readonly env: StageEnv,
    identity: StageIdentity,
  ) {
    const profile = env.profile;
    this.bufferLimitBytes = profile.fsblMaxPayloadBytes + 0x1000;
    this.set = buildDescriptorSet({
      style: 'st-firmware',
      vid: 0x0483,
      pid: 0xdf11,
      bcdDevice: 0x0200,
      manufacturer: 'STMicroelectronics',
      product: romProduct(profile, identity.revisionId, identity.fullSpeed),
      serial: identity.serial,
      altNames: profile.romAlts,
    });
    this.secureClosed = identity.secureClosed;
  }

  private readonly secureClosed: boolean;

  descriptors(): DescriptorSet {
    return this.set;
  }

  dfuState(): number {
    return this.state;
  }

  currentAlt(): number {
    return this.alt;
  }

  /** Whether a DETACH or USB reset now starts TF-A (MP13/MP25 only). */
  readyToStartFsbl(): boolean {
    return this.fsblAccepted;
  }

  selectAlternate(alt: number): 'ok' | 'stall' {
    if (alt < 0 || alt >= this.set.altNames.length) return 'stall';
    this.alt = alt;
    return 'ok';
  }

  usbReset(): void {
    // A reset before the FSBL was accepted only restarts the ROM's DFU session.
    this.state = DFU_STATE.dfuIdle;
    this.status = DFU_STATUS.ok;
    this.alt = 0;
    this.chunks = [];
    this.receivedBytes = 0;
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
        // ROM CLRSTATUS outside dfuERROR is UNCERTAIN (§8 #2): treated as harmless.
        if (this.state === DFU_STATE.dfuError) {
          this.state = DFU_STATE.dfuIdle;
          this.status = DFU_STATUS.ok;
        }
        return ACK;
      case DFU_REQUEST.abort:
        if (this.state === DFU_STATE.dfuError) return STALL;
        this.state = DFU_STATE.dfuIdle;
        this.chunks = [];
        this.receivedBytes = 0;
        return ACK;
      case DFU_REQUEST.upload:
        return this.upload(req);
      case DFU_REQUEST.detach:
        if (this.fsblAccepted) {
          this.env.console('ROM: DETACH, starting the FSBL');
          this.env.signal({ type: 'detach' });
        }
        // MP15 needs no DETACH (W1); before an accepted FSBL it changes nothing.
        return ACK;
      default:
        return STALL;
    }
  }

  private dnloadBlock(req: StageRequest): StageOutcome {
    if (this.state !== DFU_STATE.dfuIdle && this.state !== DFU_STATE.dnloadIdle) {
      const rule =
        this.state === DFU_STATE.dnloadSync || this.state === DFU_STATE.dnBusy
          ? 'dnload-before-status'
          : 'dnload-outside-idle';
      this.env.violation(rule, `ROM DNLOAD in state ${this.state}`);
      return STALL;
    }
    if (req.wLength > ROM_WTRANSFER_SIZE) {
      this.env.violation(
        'wlength-above-transfer-size',
        `ROM DNLOAD of ${req.wLength} bytes (wTransferSize 1024)`,
      );
      return STALL;
    }
    if (this.alt !== this.env.profile.romFsblAlt) {
      this.env.console(`ROM: download to alt ${this.alt} refused (only the FSBL alt is writable)`);
      return STALL;
    }
    if (this.state === DFU_STATE.dfuIdle) {
      this.chunks = [];
      this.receivedBytes = 0;
    }
    if (this.receivedBytes + req.data.length > this.bufferLimitBytes) {
      this.state = DFU_STATE.dfuError;
      this.status = DFU_STATUS.errAddress;
      return STALL;
    }
    this.chunks.push(req.data.slice());
    this.receivedBytes += req.data.length;
    this.state = DFU_STATE.dnloadSync;
    return ACK;
  }

  private dnloadZlp(): StageOutcome {
    if (this.state !== DFU_STATE.dnloadIdle) {
      this.env.violation('dnload-outside-idle', `ROM ZLP DNLOAD in state ${this.state}`);
      return STALL;
    }
    this.state = DFU_STATE.manifestSync;
    return ACK;
  }

  private getStatus(): StageOutcome {
    switch (this.state) {
      case DFU_STATE.dnloadSync:
        this.state = DFU_STATE.dnBusy;
        return dataReply(getStatusPayload(this.status, ROM_POLL_MS, DFU_STATE.dnBusy));
      case DFU_STATE.dnBusy:
        this.state = DFU_STATE.dnloadIdle;
        return dataReply(getStatusPayload(this.status, ROM_POLL_MS, DFU_STATE.dnloadIdle));
      case DFU_STATE.manifestSync: {
        const reply = getStatusPayload(this.status, ROM_POLL_MS, DFU_STATE.manifest);
        this.manifest();
        return dataReply(reply);
      }
      default:
        return dataReply(getStatusPayload(this.status, 0, this.state));
    }
  }

  /** Checks the image right after replying dfuMANIFEST (§9.1). */
  private manifest(): void {
    const image = concatBytes(...this.chunks);
    this.chunks = [];
    this.receivedBytes = 0;
    const profile = this.env.profile;
    const check = checkFsblImage(image, {
      expectedVersion: profile.fsblHeaderVersion,
      maxPayloadBytes: profile.fsblMaxPayloadBytes,
      secureClosed: this.secureClosed,
    });
    const accepted = check.ok && !this.env.faults.fsblRejected;
    const verdict = !check.ok
      ? check.reason
      : this.env.faults.fsblRejected
        ? 'rejected (fault scenario fsbl-rejected)'
        : null;
    this.env.received({ phaseId: PHASE.fsbl, altIndex: this.alt, bytes: image, accepted, verdict });
    if (!accepted) {
      this.env.console(`ROM: FSBL rejected: ${verdict ?? ''}`);
      this.state = DFU_STATE.dfuError;
      this.status = DFU_STATUS.errUnknown;
      return;
    }
    this.state = DFU_STATE.dfuIdle;
    if (profile.soc === 'mp15') {
      this.env.signal({ type: 'rom-start-fsbl' });
    } else {
      this.fsblAccepted = true;
    }
  }

  /**
   * GetPhase on the virtual alt: `01 | SYSRAM | 0` (§9.1, content UNCERTAIN). Once an MP13/MP25 FSBL is
   * accepted the ROM is modelled as asking for a detach like TF-A does (`00 FFFFFFFF 0 01`), so a host
   * that follows the §4.3 loop works too.
   */
  private upload(req: StageRequest): StageOutcome {
    if (this.state !== DFU_STATE.dfuIdle && this.state !== DFU_STATE.uploadIdle) return STALL;
    if (this.alt !== this.env.profile.romVirtualAlt) return STALL;
    if (req.wLength === 0) {
      this.state = DFU_STATE.dfuIdle;
      return dataReply(new Uint8Array(0));
    }
    const reply = this.fsblAccepted
      ? concatBytes(phaseReplyHeader(0x00, 0xffffffff, 0), Uint8Array.of(1))
      : phaseReplyHeader(PHASE.fsbl, this.env.profile.sysramBase, 0);
    const data = reply.subarray(0, Math.min(reply.length, req.wLength));
    this.state = data.length < req.wLength ? DFU_STATE.dfuIdle : DFU_STATE.uploadIdle;
    return dataReply(data);
  }
}
