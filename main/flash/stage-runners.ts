import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import type { BootStage, WaitAfter } from '../../shared/domain/flash-event.js';
import { AppError, isAppError } from '../core/app-error.js';
import type { DfuClient } from '../dfu/dfu-client.js';
import { buildPhaseAltMap, requireAltForPhase, resolveAltNames } from '../stm32mp/alt-map.js';
import type { PhaseReport } from '../stm32mp/get-phase.js';
import { getPhase } from '../stm32mp/get-phase.js';
import { PHASE } from '../stm32mp/phase-ids.js';
import type { SocFamily } from '../stm32mp/stage-detect.js';
import { getStageProfile } from '../stm32mp/soc-quirks.js';
import { sourceLineForDeviceText } from './layout-payload.js';
import { transferLayout, transferPartition } from './partition-transfer.js';
import type { SessionContext } from './session-context.js';
import { markDone, partitionFor } from './session-context.js';

export type StageOutcome = { kind: 'wait'; after: WaitAfter; expecting: BootStage[] } | { kind: 'done' };

const UBOOT_STAGES: BootStage[] = ['uboot-layout', 'uboot-partitions'];

function call(context: SessionContext): { signal: AbortSignal; timeoutMs: number } {
  return { signal: context.signal, timeoutMs: context.timeouts.controlMs };
}

async function phaseAltMap(context: SessionContext, client: DfuClient, identity: BoardIdentity) {
  return buildPhaseAltMap(await resolveAltNames(client, identity.alts, call(context)));
}

async function readPhase(
  context: SessionContext,
  client: DfuClient,
  virtualAlt: number,
  stage: BootStage,
): Promise<PhaseReport> {
  const report = await getPhase(client, virtualAlt, call(context));
  emitPhase(context, report, stage);
  return report;
}

function emitPhase(context: SessionContext, report: PhaseReport, stage: BootStage): void {
  context.emit({
    type: 'phase',
    stage,
    phase: report.phase,
    address: report.address,
    offset: report.offset,
    needDetach: report.needDetach,
    errorText: report.errorText,
  });
}

async function detach(
  context: SessionContext,
  client: DfuClient,
  stage: BootStage,
  onlyInIdle: boolean,
): Promise<void> {
  const result = await client.detach({
    checkIdleFirst: onlyInIdle,
    signal: context.signal,
    timeoutMs: context.timeouts.controlMs,
  });
  context.emit({
    type: 'detach',
    stage,
    tolerated: result.outcome === 'tolerated-failure' ? `${result.code}: ${result.message}` : null,
  });
}

function phaseError(context: SessionContext, report: PhaseReport, stage: BootStage): AppError {
  const text = report.errorText ?? 'Unspecified';
  const sourceLine = context.layoutSent ? sourceLineForDeviceText(context.layout, text) : null;
  const who = stage === 'tfa' ? 'TF-A' : 'U-Boot';
  return new AppError(
    'phase-error',
    `${who} reported an error (phase 0xFF): ${text}`,
    { deviceText: text, stage, sourceLine },
    sourceLine !== null ? `See line ${sourceLine} of ${context.plan.layoutPath}.` : null,
  );
}

function unexpected(report: PhaseReport, stage: BootStage): AppError {
  return new AppError(
    'dfu-protocol',
    `GetPhase returned ${report.phaseName} (${report.rawHex}) at ${stage}, which the host has no rule for.`,
    { stage, raw: report.rawHex, oddities: report.oddities },
  );
}

/**
 * A refused download (STALL or DFU error) says little by itself; TF-A and U-Boot keep the reason for
 * GetPhase (phase 0xFF + text, protocol §4.2, §7 #7/#13). Bring the device back to dfuIDLE, ask, and
 * report the device's own words. On U-Boot, reading 0xFF arms the reset for the next DETACH.
 */
async function explained(
  context: SessionContext,
  client: DfuClient,
  virtualAlt: number,
  stage: BootStage,
  transfer: () => Promise<void>,
): Promise<void> {
  try {
    await transfer();
  } catch (error) {
    const refused = isAppError(error, 'stall') || isAppError(error, 'dfu-status-error');
    if (!refused || context.signal.aborted) throw error;
    let report: PhaseReport;
    try {
      await client.ensureIdle({ timeoutMs: context.timeouts.controlMs });
      report = await getPhase(client, virtualAlt, call(context));
    } catch {
      throw error;
    }
    emitPhase(context, report, stage);
    if (report.phase !== 0xff) throw error;
    const explainedError = phaseError(context, report, stage);
    if (stage !== 'tfa') await detach(context, client, stage, true).catch(() => undefined);
    throw explainedError;
  }
}

/** ROM code: the FSBL (phase 0x01), then the SoC's hand-over (protocol §1.1). */
export async function runRomStage(
  context: SessionContext,
  client: DfuClient,
  identity: BoardIdentity,
  family: SocFamily,
): Promise<StageOutcome> {
  const profile = getStageProfile(family, 'rom').behaviour;
  const map = await phaseAltMap(context, client, identity);
  const fsbl = partitionFor(context, PHASE.fsbl, 'rom');
  markDone(context, 'rom', PHASE.fsbl);
  await transferPartition(context, client, {
    stage: 'rom',
    alt: requireAltForPhase(map, PHASE.fsbl),
    end: profile.downloadEnd,
    partition: fsbl,
  });
  if (profile.handover === 'none-rom-jumps-after-manifest') {
    // MP15: the ROM jumps to TF-A without leaving the bus; TF-A answers on this very handle. Until it
    // does, an error (dfuERROR after the manifest) is the ROM refusing the FSBL.
    const virtualAlt = requireAltForPhase(map, PHASE.command);
    const first = await firstAnswer(context, client, virtualAlt, profile.nextStageTimeoutMs);
    if (first === 'left-the-bus') return { kind: 'wait', after: 'after-fsbl', expecting: ['tfa'] };
    if (first.phase === PHASE.fsbl) {
      // Still the ROM, still asking for the FSBL: it refused the image (it reported dfuERROR after the manifest).
      emitPhase(context, first, 'rom');
      throw new AppError(
        'dfu-status-error',
        'The ROM code refused the FSBL: after the download it reported an error and asks for phase 0x01 again.',
        { stage: 'rom', phase: first.phase },
        'Check the STM32 header of the 0x01 file (version for this SoC, checksum, length) and, on a secure-closed part, its signature.',
      );
    }
    context.phase = 'tfa';
    context.emit({ type: 'stage', phase: 'tfa', info: null, connectionId: identity.connectionId });
    emitPhase(context, first, 'tfa');
    return runTfaStage(context, client, identity, family, first);
  }
  await detach(context, client, 'rom', profile.detachOnlyInIdle);
  return { kind: 'wait', after: 'after-fsbl', expecting: ['tfa'] };
}

/**
 * After the MP15 ROM starts the FSBL, the first GetPhase may fail while TF-A initialises. Retry until
 * it answers, the board leaves the bus (a TF-A that re-enumerates), or `budgetMs` runs out.
 */
async function firstAnswer(
  context: SessionContext,
  client: DfuClient,
  virtualAlt: number,
  budgetMs: number,
): Promise<PhaseReport | 'left-the-bus'> {
  const deadline = context.clock.nowMs() + budgetMs;
  for (;;) {
    try {
      return await getPhase(client, virtualAlt, call(context));
    } catch (error) {
      if (isAppError(error, 'device-gone')) return 'left-the-bus';
      const retriable =
        isAppError(error, 'timeout') || isAppError(error, 'transfer-failed') || isAppError(error, 'stall');
      if (!retriable || context.clock.nowMs() >= deadline) {
        throw new AppError(
          'timeout',
          `TF-A did not answer within ${Math.round(budgetMs / 1000)} s after the ROM started the FSBL.`,
          { stage: 'tfa', cause: error instanceof Error ? error.message : String(error) },
          "Look at the board's UART: TF-A prints why it stopped.",
          { cause: error },
        );
      }
      await context.clock.sleep(100, context.signal);
    }
  }
}

/** TF-A BL2: FIP (and the DDR FIP on MP2; the layout on old ST TF-A), each ended by GetPhase's detach flag. */
export async function runTfaStage(
  context: SessionContext,
  client: DfuClient,
  identity: BoardIdentity,
  family: SocFamily,
  firstReport: PhaseReport | null = null,
): Promise<StageOutcome> {
  const map = await phaseAltMap(context, client, identity);
  const virtualAlt = requireAltForPhase(map, PHASE.command);
  let pending = firstReport;
  for (;;) {
    const report = pending ?? (await readPhase(context, client, virtualAlt, 'tfa'));
    pending = null;
    const variant = report.action === 'send-layout' ? 'legacy-tf-a' : 'current';
    const profile = getStageProfile(family, 'tf-a', variant).behaviour;
    switch (report.action) {
      case 'download': {
        const partition = partitionFor(context, report.phase, 'tfa');
        markDone(context, 'tfa', report.phase);
        const alt = requireAltForPhase(map, report.phase);
        await explained(context, client, virtualAlt, 'tfa', () =>
          transferPartition(context, client, { stage: 'tfa', alt, end: profile.downloadEnd, partition }),
        );
        context.lastTfaPhase = report.phase;
        break;
      }
      case 'send-layout':
        // Old ST TF-A (≤ v2.4) asks for the layout itself, STM32-wrapped (§4.3 old-flow variant).
        markDone(context, 'tfa', PHASE.flashLayout);
        await transferLayout(context, client, {
          stage: 'tfa',
          alt: requireAltForPhase(map, PHASE.flashLayout),
          end: profile.downloadEnd,
        });
        break;
      case 'detach':
        await detach(context, client, 'tfa', profile.detachOnlyInIdle);
        return context.lastTfaPhase === PHASE.ddrFip
          ? { kind: 'wait', after: 'after-ddr-fip', expecting: ['tfa'] }
          : { kind: 'wait', after: 'after-fip', expecting: UBOOT_STAGES };
      case 'error':
        throw phaseError(context, report, 'tfa');
      default:
        throw unexpected(report, 'tfa');
    }
  }
}

/** U-Boot stm32prog, either enumeration: GetPhase decides every step (§4.3). */
export async function runUbootStage(
  context: SessionContext,
  client: DfuClient,
  identity: BoardIdentity,
  family: SocFamily,
  stage: 'uboot-layout' | 'uboot-partitions',
): Promise<StageOutcome> {
  const profile = getStageProfile(
    family,
    stage === 'uboot-layout' ? 'u-boot-layout' : 'u-boot-partitions',
  ).behaviour;
  const map = await phaseAltMap(context, client, identity);
  const virtualAlt = requireAltForPhase(map, PHASE.command);
  for (;;) {
    const report = await readPhase(context, client, virtualAlt, stage);
    switch (report.action) {
      case 'send-layout':
        markDone(context, stage, PHASE.flashLayout);
        await transferLayout(context, client, {
          stage,
          alt: requireAltForPhase(map, PHASE.flashLayout),
          end: profile.downloadEnd,
        });
        break;
      case 'detach':
        await detach(context, client, stage, true);
        return { kind: 'wait', after: 'after-layout', expecting: UBOOT_STAGES };
      case 'download': {
        if (!context.layoutSent) {
          throw new AppError(
            'bad-input',
            "The board is already in U-Boot's partition stage with a layout from an earlier session; this session did not send it.",
            { phase: report.phase },
            'Reset the board (serial boot) and start again, so the board flashes this layout.',
          );
        }
        const partition = partitionFor(context, report.phase, 'uboot');
        markDone(context, stage, report.phase);
        const alt = requireAltForPhase(map, report.phase);
        await explained(context, client, virtualAlt, stage, () =>
          transferPartition(context, client, { stage, alt, end: profile.downloadEnd, partition }),
        );
        context.partitionsWritten++;
        break;
      }
      case 'done':
        if (context.detachAtEnd) await detach(context, client, stage, true);
        return { kind: 'done' };
      case 'error': {
        const error = phaseError(context, report, stage);
        // Leave the board in a known state: U-Boot leaves stm32prog (and, in the 2nd enumeration, resets).
        await detach(context, client, stage, true).catch(() => undefined);
        throw error;
      }
      default:
        throw unexpected(report, stage);
    }
  }
}
