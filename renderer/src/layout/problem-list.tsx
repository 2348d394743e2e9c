import type { LayoutProblem } from '../../../shared/domain/layout-problem.js';
import { problemLocation, sortProblems } from './layout-format.js';

const ICON: Record<LayoutProblem['severity'], string> = { error: '✕', warning: '!', info: 'i' };

export function ProblemList({ problems }: { problems: readonly LayoutProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="problems" aria-label="Layout problems" data-testid="layout-problems">
      {sortProblems(problems).map((problem, index) => (
        <li
          key={`${problem.code}-${problem.line ?? 'file'}-${index}`}
          className={`problem problem-${problem.severity}`}
        >
          <span className="problem-icon" aria-label={problem.severity}>
            {ICON[problem.severity]}
          </span>
          <div>
            <div className="problem-head">
              <span className="problem-where">{problemLocation(problem)}</span>
              <code className="problem-code">{problem.code}</code>
            </div>
            <p className="problem-message">{problem.message}</p>
            {problem.hint ? <p className="problem-hint">{problem.hint}</p> : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
