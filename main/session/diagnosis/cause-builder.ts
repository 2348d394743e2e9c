import type { CauseId, RankedCause } from '../../../shared/domain/diagnosis.js';
import { CAUSES } from '../../../shared/domain/diagnosis.js';

/** Collects candidate causes; the same cause suggested twice keeps the higher score and all evidence. */
export class CauseBuilder {
  private readonly causes = new Map<CauseId, { score: number; evidence: string[]; extraChecks: string[] }>();

  add(
    id: CauseId,
    score: number,
    evidence: readonly string[] = [],
    extraChecks: readonly string[] = [],
  ): this {
    const existing = this.causes.get(id);
    if (existing) {
      existing.score = Math.max(existing.score, score);
      for (const line of evidence) if (!existing.evidence.includes(line)) existing.evidence.push(line);
      for (const line of extraChecks)
        if (!existing.extraChecks.includes(line)) existing.extraChecks.push(line);
    } else {
      this.causes.set(id, { score, evidence: [...evidence], extraChecks: [...extraChecks] });
    }
    return this;
  }

  ranked(): RankedCause[] {
    return [...this.causes.entries()]
      .map(([id, c]) => ({
        id,
        title: CAUSES[id].title,
        score: Math.round(c.score * 100) / 100,
        likelihood: likelihoodOf(c.score),
        evidence: c.evidence,
        checks: [...c.extraChecks, ...CAUSES[id].checks],
      }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  }
}

function likelihoodOf(score: number): RankedCause['likelihood'] {
  if (score >= 0.7) return 'high';
  if (score >= 0.4) return 'medium';
  return 'low';
}
