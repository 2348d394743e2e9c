import type { FlashPlan, PartitionStatus, PlannedPartition } from '../../../shared/domain/flash-plan.js';
import type { LayoutProblem, ProblemSeverity } from '../../../shared/domain/layout-problem.js';

/** Bytes a flash of this plan moves over USB: boot images once each, the layout, every written row. */
export function plannedTransferBytes(plan: FlashPlan): number {
  const seen = new Set<string>();
  let total = 0;
  for (const p of plan.partitions) {
    if (!p.file) continue;
    if (p.status === 'boot-load') {
      const key = `boot:${p.phaseId ?? p.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      total += p.file.sizeBytes;
    } else if (p.status === 'program') {
      total += p.file.sizeBytes;
    }
  }
  return total;
}

export function statusLabel(status: PartitionStatus): string {
  const labels: Record<PartitionStatus, string> = {
    'boot-load': 'boot load',
    program: 'write',
    empty: 'erase only',
    skip: 'keep',
    unused: 'unused',
    invalid: 'invalid',
  };
  return labels[status];
}

export function deviceLabel(p: PlannedPartition): string {
  if (p.device) return `${p.device.kind}${p.device.kind === 'ram' ? '' : p.device.instance}`;
  return p.ip ?? '—';
}

/** The worst problem on each line, so the table can flag rows. */
export function problemsByLine(problems: readonly LayoutProblem[]): Map<number, LayoutProblem[]> {
  const map = new Map<number, LayoutProblem[]>();
  for (const problem of problems) {
    if (problem.line === null) continue;
    const list = map.get(problem.line) ?? [];
    list.push(problem);
    map.set(problem.line, list);
  }
  return map;
}

const SEVERITY_RANK: Record<ProblemSeverity, number> = { error: 0, warning: 1, info: 2 };

export function worstSeverity(problems: readonly LayoutProblem[]): ProblemSeverity | null {
  let worst: ProblemSeverity | null = null;
  for (const p of problems)
    if (worst === null || SEVERITY_RANK[p.severity] < SEVERITY_RANK[worst]) worst = p.severity;
  return worst;
}

export function sortProblems(problems: readonly LayoutProblem[]): LayoutProblem[] {
  return [...problems].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.line ?? 0) - (b.line ?? 0),
  );
}

export function fieldLabel(field: LayoutProblem['field']): string {
  if (field === null) return 'file';
  const labels: Record<NonNullable<LayoutProblem['field']>, string> = {
    opt: 'Opt',
    id: 'Id',
    name: 'Name',
    type: 'Type',
    ip: 'IP',
    offset: 'Offset',
    binary: 'Binary',
    row: 'row',
  };
  return labels[field];
}

export function problemLocation(problem: LayoutProblem): string {
  if (problem.line === null) return 'Whole file';
  return `Line ${problem.line} · ${fieldLabel(problem.field)}`;
}

export function pluralize(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
