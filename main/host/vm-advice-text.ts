import type { VmKind } from '../../shared/domain/host-facts.js';
import { vmFilterAdvice } from './vm-filter-advice.js';

/** The VM advice as one block of text: the summary, then each step with its command. */
export function vmAdviceText(kind: VmKind): string | null {
  const advice = vmFilterAdvice(kind);
  if (!advice) return null;
  const steps = advice.steps.map((step) => (step.command ? `${step.text}: ${step.command}` : step.text));
  return [advice.summary, ...steps].join(' — ');
}
