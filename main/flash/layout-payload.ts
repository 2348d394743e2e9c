import type { FlashPlan } from '../../shared/domain/flash-plan.js';
import { layoutPhaseBytes } from '../layout/normalize-layout.js';

/**
 * Phase 0x00 (protocol §5.6). We send the layout **normalized and wrapped in an STM32 v1 header**, as
 * ST's PRG-TOOLBOX and snagboot do, rather than the raw file, because:
 *  - the old TF-A flow (ST TF-A ≤ v2.4) only accepts a layout that starts with an STM32 header;
 *  - every U-Boot since stm32prog exists unwraps a v1 header and checks its checksum, so a layout
 *    damaged in transit is refused instead of half-applied;
 *  - normalizing (6 columns, single TABs, LF, no comments, no BOM) removes what real files carry and
 *    U-Boot's tokenizer trips on: TAB runs (an error in ST's v2018.11 fork with a wrapped layout),
 *    trailing TABs (which silently drop the last row), CRLF, a BOM;
 *  - the Binary column is host-only and U-Boot ignores it.
 * U-Boot's messages then count lines of the normalized text, so we keep the map back to the file.
 */
export interface LayoutPayload {
  bytes: Uint8Array;
  /** `sourceLineOf[n - 1]` is the .tsv line of normalized line n (what U-Boot's "Layout line n" means). */
  sourceLineOf: number[];
}

export function buildLayoutPayload(plan: FlashPlan): LayoutPayload {
  const sourceLineOf = plan.partitions
    .filter((p) => p.status !== 'invalid')
    .map((p) => p.line)
    .sort((a, b) => a - b);
  return { bytes: layoutPhaseBytes(plan), sourceLineOf };
}

/** Maps U-Boot's "Layout line N: …" to the line of the user's file, when it names one. */
export function sourceLineForDeviceText(payload: LayoutPayload, text: string | null): number | null {
  const match = text ? /line (\d+)/i.exec(text) : null;
  if (!match) return null;
  return payload.sourceLineOf[Number(match[1]) - 1] ?? null;
}
