import { AppError } from '../core/app-error.js';
import type { AltSettingInfo } from '../../shared/domain/board-identity.js';
import type { CallOptions, DfuClient } from '../dfu/dfu-client.js';
import { parseAltName, type ParsedAltName } from './alt-name.js';
import { formatPhaseId, PHASE } from './phase-ids.js';

/**
 * phaseId → alt index, built by parsing every alt string (protocol §2.4 "host mapping rule"). Alt
 * indexes are never hard-coded elsewhere: U-Boot orders its second-enumeration alts by phase ID, and
 * the ROM puts the FSBL at alt 1 on MP15 but alt 0 on MP13/MP2.
 */
export interface PhaseAltMap {
  byPhase: ReadonlyMap<number, number>;
  alts: ReadonlyArray<{ index: number; raw: string | null; parsed: ParsedAltName | null }>;
  /** Phases claimed by more than one alt; the first one wins in `byPhase`. */
  duplicates: ReadonlyArray<{ phaseId: number; altIndexes: number[] }>;
  /** Alts whose string is missing or not in the ST shape. */
  unparsed: readonly number[];
}

export function buildPhaseAltMap(alts: readonly AltSettingInfo[]): PhaseAltMap {
  const byPhase = new Map<number, number>();
  const claims = new Map<number, number[]>();
  const entries = alts.map((alt) => ({ index: alt.index, raw: alt.name, parsed: parseAltName(alt.name) }));
  const unparsed: number[] = [];
  for (const entry of entries) {
    if (!entry.parsed) {
      unparsed.push(entry.index);
      continue;
    }
    const list = claims.get(entry.parsed.phaseId) ?? [];
    list.push(entry.index);
    claims.set(entry.parsed.phaseId, list);
    if (!byPhase.has(entry.parsed.phaseId)) byPhase.set(entry.parsed.phaseId, entry.index);
  }
  const duplicates = [...claims.entries()]
    .filter(([, indexes]) => indexes.length > 1)
    .map(([phaseId, altIndexes]) => ({ phaseId, altIndexes }));
  return { byPhase, alts: entries, duplicates, unparsed };
}

export function altForPhase(map: PhaseAltMap, phaseId: number): number | null {
  return map.byPhase.get(phaseId) ?? null;
}

/** Like altForPhase, but a missing alt is the `alt-not-found` error CubeProgrammer users know (F3). */
export function requireAltForPhase(map: PhaseAltMap, phaseId: number): number {
  const alt = altForPhase(map, phaseId);
  if (alt !== null) return alt;
  const missingNames = map.unparsed.length > 0 && map.alts.every((a) => a.raw === null);
  throw new AppError(
    'alt-not-found',
    `No alternate setting for partition ID ${formatPhaseId(phaseId)}.`,
    {
      phaseId,
      alts: map.alts.map((a) => ({ index: a.index, name: a.raw })),
      unparsed: map.unparsed,
    },
    missingNames
      ? 'The alternate-setting strings could not be read (a VM or hub grabbing the device does this; F3).'
      : phaseId === PHASE.command
        ? 'Every STM32MP stage exposes a virtual 0xF1 alt; its absence means the strings were not read correctly.'
        : 'The device does not offer this partition at this stage (check the layout and the stage).',
  );
}

/**
 * The alt names to map: the bus snapshot's names where present, otherwise read from the device's
 * string descriptors (en-US) through the client.
 */
export async function resolveAltNames(
  client: DfuClient,
  fromIdentity: readonly AltSettingInfo[],
  call: CallOptions = {},
): Promise<AltSettingInfo[]> {
  const known = new Map(fromIdentity.map((a) => [a.index, a.name]));
  const complete = client.alts.every((a) => typeof known.get(a.alternateSetting) === 'string');
  if (complete)
    return client.alts.map((a) => ({ index: a.alternateSetting, name: known.get(a.alternateSetting)! }));
  const read = await client.readAltNames(call);
  return read.map((a) => ({ index: a.index, name: known.get(a.index) ?? a.name }));
}
