import { AppError } from '../core/app-error.js';
import type { BoardContext, BoardHost } from './board-context.js';
import { RequestEngine } from './request-engine.js';
import { RomStage } from './rom-stage.js';
import { SimScheduler } from './sim-scheduler.js';
import type { DfuStage, StageSignal } from './stage-types.js';
import { TfaStage, type TfaSession } from './tfa-stage.js';
import { withJitter } from './timing-model.js';
import { UbootStage } from './uboot-stage.js';
import { Stm32Prog } from './uboot-stm32prog.js';

/**
 * The boot chain of one board (§1.1, §9): who answers after whom, when the board leaves the bus, how
 * long it stays away, and where the fault scenarios cut the chain.
 */
export class BoardLifecycle {
  private prog: Stm32Prog | null = null;
  /** The last U-Boot session, kept after resets so tests can inspect where partitions went. */
  private previousProg: Stm32Prog | null = null;
  /** U-Boot DETACH accepted; the gadget disconnects when this timer fires (§3.2). */
  private ubootDetachTimer: (() => void) | null = null;
  private companionPlugged = false;
  /** A DETACH was taken and the board is about to leave the bus; later DETACHes change nothing. */
  private leaving = false;

  constructor(private readonly ctx: BoardContext) {}

  private get scheduler(): SimScheduler {
    return this.ctx.scheduler!;
  }

  private jitter(ms: number): number {
    return withJitter(ms, this.ctx.settings.timing.jitterFraction, this.ctx.settings.random);
  }

  /** Plugged in: the board powers up in serial boot and the ROM enumerates. */
  attach(host: BoardHost): void {
    this.ctx.host = host;
    this.ctx.scheduler = new SimScheduler(host.clock, this.ctx.settings.timing.timeScale);
    this.ctx.engine = new RequestEngine(this.ctx.scheduler);
    this.ctx.note('plugged', host.portPath);
    this.powerOn();
  }

  /** Unplugged: off the bus, unpowered, every timer cancelled. */
  detach(): void {
    if (!this.ctx.host) return;
    this.leaveBus('unplugged');
    this.ctx.scheduler?.close();
    this.ctx.boardStage = 'unplugged';
    this.ctx.note('unplugged');
    this.ctx.host = null;
    this.ctx.scheduler = null;
    this.ctx.engine = null;
    this.prog = null;
    this.ubootDetachTimer = null;
    this.ctx.firmwareDead = false;
    this.ctx.storage.resetVolatile();
  }

  private powerOn(): void {
    this.ctx.boardStage = 'in-transition';
    this.ctx.haltReason = null;
    this.scheduler.after(this.jitter(this.ctx.settings.timing.romEnumerationMs), () => this.enumerateRom());
  }

  private enumerateRom(): void {
    this.prog = null;
    this.enumerate(new RomStage(this.ctx.stageEnv('rom'), this.ctx.stageIdentity('rom')));
  }

  private enumerate(stage: DfuStage): void {
    const host = this.ctx.host;
    if (!host) return;
    const set = stage.descriptors();
    const ports = host.portPath.split('-')[1]?.split('.').map(Number) ?? [];
    const id = host.nextConnectionId();
    const identity = {
      connectionId: id,
      vid: set.vid,
      pid: set.pid,
      bcdDevice: set.bcdDevice,
      manufacturer: set.manufacturer,
      product: set.product,
      serial: set.serial,
      portPath: host.portPath,
      bus: Number(host.portPath.split('-')[0]) || null,
      ports,
      speed: this.ctx.settings.fullSpeed ? ('full' as const) : ('high' as const),
      alts: set.altNames.map((name, index) => ({ index, name })),
      seenAtMs: host.clock.nowMs(),
      seenAt: host.clock.wallNow().toISOString(),
    };
    const faults = this.ctx.settings.faults;
    const hidden = faults.vmFilter !== null && set.product.startsWith('USB download gadget');
    const openDenied = faults.permissionDenied?.stage === stage.stage;
    this.leaving = false;
    this.ctx.connection = { id, identity, hidden, openDenied, stage: stage.stage };
    this.ctx.stage = stage;
    this.ctx.boardStage = stage.stage;
    this.ctx.note('enumerated', `${stage.stage} as ${id}${hidden ? ' (hidden from the host)' : ''}`);
    host.announce({ type: 'connect', identity }, hidden);
    const second = faults.secondBoard;
    if (second && !this.companionPlugged && second.stage === stage.stage) {
      this.companionPlugged = true;
      host.plugCompanion({ serial: second.serial, portPath: second.portPath });
    }
  }

  /** Leaves the bus: the handle dies, every pending request rejects device-gone. */
  private leaveBus(reason: string): void {
    const connection = this.ctx.connection;
    this.ctx.stage = null;
    this.ctx.firmwareDead = false;
    this.ctx.connection = null;
    this.ctx.engine?.failAll(new AppError('device-gone', 'The device left the bus.', { reason }));
    if (connection) {
      this.ctx.note('disconnected', reason);
      this.ctx.host?.announce({ type: 'disconnect', identity: connection.identity }, connection.hidden);
    }
    this.ctx.boardStage = 'in-transition';
  }

  private halt(reason: string): void {
    this.leaveBus(reason);
    this.ctx.boardStage = 'halted';
    this.ctx.haltReason = reason;
    this.ctx.note('halted', reason);
  }

  /** A board reset: DRAM is lost, the ROM comes back in serial boot (§3.2, §7 #8). */
  private boardReset(reason: string): void {
    this.leaveBus(reason);
    this.ctx.note('board reset', reason);
    this.ctx.storage.resetVolatile();
    this.prog = null;
    this.scheduler.after(this.jitter(this.ctx.settings.timing.boardResetToRomMs), () => {
      if (this.ctx.settings.bootSource === 'serial') this.enumerateRom();
      else this.halt('booted from flash (boot pins not on serial boot)');
    });
  }

  /** Acts on what the stage raised while handling a request, after the reply went out. */
  handleSignals(signals: readonly StageSignal[]): void {
    for (const signal of signals) {
      switch (signal.type) {
        case 'rom-start-fsbl':
          this.romJumpsToFsbl();
          break;
        case 'detach':
          this.onDetach();
          break;
        case 'gadget-exit': {
          const wait = this.ctx.engine?.busyRemainingMs() ?? 0;
          this.scheduler.afterClockMs(wait, () => {
            if (signal.reset) this.boardReset(signal.reason);
            else this.halt(signal.reason);
          });
          break;
        }
        case 'jump': {
          const wait = this.ctx.engine?.busyRemainingMs() ?? 0;
          this.scheduler.afterClockMs(wait, () =>
            this.halt(`application started at 0x${signal.address.toString(16)}`),
          );
          break;
        }
      }
    }
  }

  /** MP15: the ROM starts the FSBL without disconnecting; TF-A answers the next request (§1.2, §9.1). */
  private romJumpsToFsbl(): void {
    const connection = this.ctx.connection;
    if (!connection) return;
    if (this.ctx.settings.faults.tfaCrash) {
      this.ctx.console('PANIC at PC : 0x2ffe0a40');
      this.ctx.stage = null;
      this.ctx.firmwareDead = true;
      this.ctx.note('fsbl crashed', 'scenario tfa-crash');
      return;
    }
    this.ctx.stage = this.newTfa('fip');
    connection.stage = 'tfa';
    this.ctx.boardStage = 'tfa';
    this.ctx.engine?.busyFor(this.ctx.settings.timing.romTfaStartMs);
    this.ctx.note('fsbl started', 'same enumeration (MP15)');
  }

  private newTfa(session: TfaSession): TfaStage {
    return new TfaStage(this.ctx.stageEnv('tfa'), this.ctx.stageIdentity('tfa'), {
      session,
      legacy: this.ctx.settings.legacyTfa && this.ctx.settings.profile.soc === 'mp15',
    });
  }

  private onDetach(): void {
    const stage = this.ctx.stage;
    if (this.leaving) return;
    this.leaving = true;
    if (stage instanceof RomStage) this.romStartsFsbl();
    else if (stage instanceof TfaStage) this.tfaDetach(stage);
    else if (stage instanceof UbootStage) this.ubootDetach(stage);
  }

  /** MP13/MP25: DETACH (or a USB reset) after an accepted FSBL; TF-A re-enumerates (§1.2). */
  romStartsFsbl(): void {
    const timing = this.ctx.settings.timing;
    this.scheduler.after(timing.tfaDetachDisconnectMs, () => {
      if (this.ctx.settings.faults.tfaCrash) {
        this.ctx.console('PANIC at PC : 0x2ffe0a40');
        this.halt('TF-A crashed after the ROM started it (scenario tfa-crash)');
        return;
      }
      this.leaveBus('ROM started the FSBL');
      const session: TfaSession = this.ctx.settings.profile.soc === 'mp25' ? 'ddr-fip' : 'fip';
      this.scheduler.after(this.jitter(timing.romToTfaEnumerationMs), () =>
        this.enumerate(this.newTfa(session)),
      );
    });
  }

  private tfaDetach(tfa: TfaStage): void {
    const timing = this.ctx.settings.timing;
    const faults = this.ctx.settings.faults;
    const outcome = tfa.detachOutcome();
    const legacyLayout = tfa.legacyLayoutReceived();
    this.scheduler.after(timing.tfaDetachDisconnectMs, () => {
      this.ctx.console('DFU USB STOP...');
      if (outcome === 'incomplete') {
        this.ctx.console('ERROR: BL2: Failed to load image (no FIP), PANIC');
        this.halt('TF-A detached without an accepted FIP and panicked');
        return;
      }
      this.leaveBus('TF-A detached');
      if (outcome === 'ddr-fip-loaded') {
        this.scheduler.after(this.jitter(timing.tfaDdrInitMs), () => this.enumerate(this.newTfa('fip')));
        return;
      }
      if (faults.tfaAuthFailImageId !== null) {
        this.ctx.console(`ERROR: BL2: Failed to load image id ${faults.tfaAuthFailImageId} (-80)`);
        this.halt('TF-A authentication failure (-80, scenario tfa-auth-fail)');
        return;
      }
      const delayMs = faults.slowReconnectMs ?? this.jitter(timing.tfaToUbootEnumerationMs);
      this.scheduler.after(delayMs, () => this.startUboot(legacyLayout));
    });
  }

  private newUboot(enumeration: 1 | 2): UbootStage {
    const stage = enumeration === 1 ? 'uboot-layout' : 'uboot-flash';
    const s = this.ctx.settings;
    return new UbootStage(
      this.ctx.stageEnv(stage),
      this.ctx.stageIdentity(stage),
      this.prog!,
      enumeration,
      s.ubootVariant,
      s.dfuBufferSizeBytes,
    );
  }

  private startUboot(legacyLayout: Uint8Array | null): void {
    this.ctx.console('U-Boot: stm32prog usb 0');
    if (this.ctx.settings.faults.ubootNoReconnect) {
      this.ctx.boardStage = 'halted';
      this.ctx.haltReason = 'U-Boot USB gadget never pulled D+ up (scenario uboot-no-reconnect)';
      this.ctx.note('halted', this.ctx.haltReason);
      return;
    }
    this.prog = this.previousProg = new Stm32Prog({
      env: this.ctx.stageEnv(),
      storage: this.ctx.storage,
      loadAddress: this.ctx.settings.profile.ubootLoadAddress,
      otp: this.ctx.settings.otpAlt ? this.ctx.otp : null,
      pmicNvm: this.ctx.settings.pmicAlt ? this.ctx.pmicNvm : null,
    });
    if (this.ctx.settings.legacyUboot && legacyLayout) {
      // U-Boot v2020.10-stm32mp used a layout TF-A left in DRAM and skipped the 1st enumeration (§1.1).
      this.prog.endLayoutPhase(legacyLayout);
      const next = this.prog.afterFirstDetach();
      if (next.kind === 'enumerate')
        this.scheduler.after(next.durationMs, () => this.enumerate(this.newUboot(2)));
      return;
    }
    this.enumerate(this.newUboot(1));
  }

  /** U-Boot DETACH: still on the bus for the poll-loop window, then gone (§3.2). */
  private ubootDetach(stage: UbootStage): void {
    const timing = this.ctx.settings.timing;
    this.ubootDetachTimer = this.scheduler.after(timing.ubootDetachDisconnectMs, () => {
      this.ubootDetachTimer = null;
      const prog = this.prog!;
      this.leaveBus('U-Boot detached');
      if (stage.stage === 'uboot-layout') {
        const next = prog.afterFirstDetach();
        if (next.kind === 'leave') {
          this.halt(next.reason);
          return;
        }
        this.scheduler.after(next.durationMs, () => this.enumerate(this.newUboot(2)));
        return;
      }
      const end = prog.afterSecondDetach();
      if (end.reset) this.boardReset('stm32prog reset after GetPhase 0xFF (§4.5)');
      else if (prog.bootArtifacts.kernelAddress !== undefined)
        this.halt('stm32prog done; booting the kernel loaded in RAM');
      else
        this.halt(
          end.done ? 'stm32prog done; U-Boot idles at its prompt' : 'U-Boot left stm32prog (no reset)',
        );
    });
  }

  /** Whether a USB reset now reboots the board (after DETACH to U-Boot, §3.2). */
  ubootDetachPending(): boolean {
    return this.ubootDetachTimer !== null;
  }

  /**
   * A USB bus reset from the host (transport `reset()`). The device sees it when the request starts, so
   * the decision is taken now (a pending U-Boot disconnect is stopped); what it leads to runs after the
   * reply.
   */
  beginUsbReset(): () => void {
    const stage = this.ctx.stage;
    if (this.ubootDetachTimer) {
      this.ubootDetachTimer();
      this.ubootDetachTimer = null;
      return () => this.boardReset('USB reset after DETACH to U-Boot (dfu-util -R semantics)');
    }
    if (stage instanceof RomStage && stage.readyToStartFsbl()) {
      const start = !this.leaving;
      this.leaving = true;
      return () => {
        if (start) this.romStartsFsbl();
      };
    }
    return () => stage?.usbReset();
  }

  currentProg(): Stm32Prog | null {
    return this.prog;
  }

  lastProg(): Stm32Prog | null {
    return this.prog ?? this.previousProg;
  }
}
