import { basename } from 'node:path';
import type { LayoutSoc, SocGuess, Stm32HeaderVersion } from '../../shared/domain/flash-plan.js';
import type { LayoutRow } from './layout-row.js';

type SocOrOther = LayoutSoc | 'mp21';

interface Evidence {
  soc: SocOrOther;
  /** 4 = given, 3 = layout structure, 2 = image header, 1 = a file name. */
  strength: number;
  reason: string;
}

export interface HeaderEvidence {
  line: number;
  name: string | null;
  version: Stm32HeaderVersion;
}

const SOC_BY_HEADER: Record<Stm32HeaderVersion, SocOrOther> = {
  v1: 'mp15',
  'v2.0': 'mp13',
  'v2.2': 'mp25',
  'v2.3': 'mp21',
};
/** stm32mp157…, stm32mp135…, or a bare MP13xx/mp25 word (e.g. ST's STM32PRGFW_UTIL_MP13xx loader). */
const NAME_PATTERN = /(?:stm32|^|[^a-z0-9])mp(1[35]|2[135])/i;
const SOC_BY_NAME: Record<string, SocOrOther> = {
  '13': 'mp13',
  '15': 'mp15',
  '21': 'mp21',
  '23': 'mp25',
  '25': 'mp25',
};

export interface SocGuessResult {
  guess: SocGuess;
  /** Distinct SoCs named by the layout structure and image headers, with reasons, when they disagree. */
  conflict: string[] | null;
}

/**
 * Guesses the SoC from, strongest first: --soc, a 0x02 (DDR FIP) IP none row (STM32MP2 only),
 * STM32 header versions (v1 MP15, v2.0 MP13, v2.2 MP25, v2.3 MP21), then "stm32mpNN" in file names.
 */
export function guessSoc(
  rows: readonly LayoutRow[],
  layoutPath: string,
  headers: readonly HeaderEvidence[],
  given: LayoutSoc | null,
): SocGuessResult {
  const evidence: Evidence[] = [];
  if (given !== null) evidence.push({ soc: given, strength: 4, reason: 'given with --soc' });
  const ddrFip = rows.find((row) => row.valid && row.isNone && row.phaseId === 0x02);
  if (ddrFip !== undefined) {
    evidence.push({
      soc: 'mp25',
      strength: 3,
      reason: `line ${ddrFip.line} is a 0x02 (DDR FIP) row, which only STM32MP2 uses`,
    });
  }
  for (const header of headers) {
    evidence.push({
      soc: SOC_BY_HEADER[header.version],
      strength: 2,
      reason: `line ${header.line}${header.name === null ? '' : ` (${header.name})`} has an STM32 header ${header.version}`,
    });
  }
  const names = [basename(layoutPath), ...rows.map((row) => row.binary ?? '')];
  for (const name of names) {
    const digits = NAME_PATTERN.exec(name)?.[1];
    const soc = digits === undefined ? undefined : SOC_BY_NAME[digits];
    if (soc !== undefined) {
      evidence.push({ soc, strength: 1, reason: `the name "${basename(name)}" says MP${digits}` });
      break;
    }
  }
  const best = [...evidence].sort((a, b) => b.strength - a.strength)[0];
  // --soc against the images is stm32-version-mismatch's job; a conflict is between the files themselves
  const strong = evidence.filter((item) => item.strength >= 2 && item.strength < 4);
  const distinct = [...new Set(strong.map((item) => item.soc))];
  const conflict =
    distinct.length > 1
      ? distinct.map((soc) => `${soc} (${strong.find((item) => item.soc === soc)?.reason ?? ''})`)
      : null;
  if (best === undefined)
    return { guess: { soc: null, reason: 'nothing in the layout or its images tells' }, conflict };
  if (best.soc === 'mp21') {
    return {
      guess: { soc: null, reason: `STM32MP21 (${best.reason}), which this tool does not flash yet` },
      conflict,
    };
  }
  return { guess: { soc: best.soc, reason: best.reason }, conflict };
}
