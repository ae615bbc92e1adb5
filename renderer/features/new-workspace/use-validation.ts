// Live validation of workspace YAML on the host, 400 ms after the last edit.
import { useEffect, useState } from 'react';
import type { WorkspaceValidation } from '../../../electron/api/contract';
import { useClient } from '../../app-context';
import { errorMessage } from '../../api/host-call-error';

export const VALIDATE_DEBOUNCE_MS = 400;

export interface ValidationState {
  validation: WorkspaceValidation | null;
  /** The YAML the current `validation` is for. */
  validatedYaml: string | null;
  pending: boolean;
  error: string | null;
}

export function useValidation(yaml: string, enabled = true): ValidationState {
  const client = useClient();
  const [state, setState] = useState<ValidationState>({
    validation: null,
    validatedYaml: null,
    pending: false,
    error: null,
  });

  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    setState((current) => ({ ...current, pending: true }));
    const timer = setTimeout(() => {
      client
        .call('workspaces.validate', { yaml })
        .then((validation) => {
          if (!cancelled) setState({ validation, validatedYaml: yaml, pending: false, error: null });
        })
        .catch((error: unknown) => {
          if (!cancelled) setState((current) => ({ ...current, pending: false, error: errorMessage(error) }));
        });
    }, VALIDATE_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, yaml, enabled]);

  return state;
}

export function hasErrors(validation: WorkspaceValidation | null): boolean {
  return !!validation && validation.problems.some((problem) => problem.severity === 'error');
}
