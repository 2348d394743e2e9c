import { buildDescriptorSet, type DescriptorSet } from './descriptors.js';
import type { StageIdentity } from './rom-stage.js';
import { ubootProduct } from './soc-profiles.js';
import type { DfuStage, StageEnv, StageOutcome, StageRequest } from './stage-types.js';
import { UbootDfuFunction } from './uboot-dfu-function.js';
import type { Stm32Prog } from './uboot-stm32prog.js';

/** Board variants of the U-Boot gadget identity (§2.1 "note for simulator variants", §2.3). */
export interface UbootVariant {
  /** 0xDF11 on ST boards (g_dnl_bind_fixup); 0x5720 without the fixup. */
  pid: number;
  /** 0x0200, forced by stm32prog_usb.c. */
  bcdDevice: number;
  /** `STMicroelectronics` on ST defconfigs; vendors differ (DH uses `dh`). */
  manufacturer: string;
}

export const ST_UBOOT_VARIANT: UbootVariant = {
  pid: 0xdf11,
  bcdDevice: 0x0200,
  manufacturer: 'STMicroelectronics',
};

/**
 * One U-Boot enumeration (§9.3): descriptors built from the stm32prog alternates of that enumeration
 * and a fresh DFU gadget function (transactions do not survive a re-enumeration).
 */
export class UbootStage implements DfuStage {
  readonly stage: 'uboot-layout' | 'uboot-flash';
  private readonly set: DescriptorSet;
  private readonly dfu: UbootDfuFunction;

  constructor(
    env: StageEnv,
    identity: StageIdentity,
    readonly prog: Stm32Prog,
    enumeration: 1 | 2,
    variant: UbootVariant,
    bufferSizeBytes: number,
  ) {
    this.stage = enumeration === 1 ? 'uboot-layout' : 'uboot-flash';
    this.set = buildDescriptorSet({
      style: 'uboot',
      vid: 0x0483,
      pid: variant.pid,
      bcdDevice: variant.bcdDevice,
      manufacturer: variant.manufacturer,
      product: ubootProduct(env.profile, identity.revisionId, identity.socName),
      serial: identity.serial,
      altNames: prog.altNames(),
    });
    this.dfu = new UbootDfuFunction(env, prog.entities(), prog.callbacks(), bufferSizeBytes);
  }

  descriptors(): DescriptorSet {
    return this.set;
  }

  dfuState(): number {
    return this.dfu.dfuState();
  }

  currentAlt(): number {
    return this.dfu.currentAlt();
  }

  handle(request: StageRequest): StageOutcome {
    return this.dfu.handle(request);
  }

  selectAlternate(alt: number): 'ok' | 'stall' {
    return this.dfu.selectAlternate(alt);
  }

  usbReset(): void {
    this.dfu.usbReset();
  }
}
