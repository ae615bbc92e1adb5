// Run a host call from a form or a list: `busy` disables the controls meanwhile, and a failure
// becomes `error`, a message for an ErrorBanner that stays until dismissed or cleared.
import { useState } from 'react';
import { errorMessage } from '../api/host-call-error';

export interface HostAction {
  busy: boolean;
  error: string | null;
  setError: (error: string | null) => void;
  /** Never throws. It leaves an earlier error in place: clear it first if a new attempt should. */
  run: (action: () => Promise<void>) => Promise<void>;
}

export function useHostAction(): HostAction {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, setError, run };
}
