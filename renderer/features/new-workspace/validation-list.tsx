// Problems the host found in the YAML, errors first, each with its line when known.
import type { WorkspaceValidation } from '../../../electron/api/contract';

interface ValidationListProps {
  validation: WorkspaceValidation | null;
  pending: boolean;
  error: string | null;
  onLine?: (line: number) => void;
}

export function ValidationList({ validation, pending, error, onLine }: ValidationListProps) {
  if (error) {
    return (
      <div className="validation validation-unknown" data-testid="validation-problems">
        Could not check the config: {error}
      </div>
    );
  }
  if (!validation) {
    return (
      <div className="validation muted" data-testid="validation-problems">
        {pending ? 'Checking…' : 'The config is checked as you type.'}
      </div>
    );
  }
  const problems = [...validation.problems].sort((a, b) =>
    a.severity === b.severity ? (a.line ?? 0) - (b.line ?? 0) : a.severity === 'error' ? -1 : 1,
  );
  if (problems.length === 0) {
    return (
      <div className="validation validation-ok" data-testid="validation-problems" data-state="ok">
        ✓ The config is valid{pending ? ' (checking…)' : ''}
      </div>
    );
  }
  return (
    <ul className="validation" data-testid="validation-problems" data-state="problems">
      {problems.map((problem, index) => (
        <li
          key={index}
          className={`problem problem-${problem.severity}`}
          data-testid={`problem-${problem.severity}`}
        >
          <span className="problem-severity">{problem.severity === 'error' ? 'Error' : 'Warning'}</span>
          {problem.line !== null ? (
            onLine ? (
              <button
                type="button"
                className="problem-line link"
                onClick={() => onLine(problem.line as number)}
              >
                line {problem.line}
              </button>
            ) : (
              <span className="problem-line">line {problem.line}</span>
            )
          ) : null}
          {problem.path ? <span className="problem-path mono">{problem.path}</span> : null}
          <span className="problem-message">{problem.message}</span>
        </li>
      ))}
      {pending ? <li className="muted small">Checking…</li> : null}
    </ul>
  );
}
