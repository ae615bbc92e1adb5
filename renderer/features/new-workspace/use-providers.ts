// What the workspace editor's provider and model pickers offer: the Settings providers (with the
// built-in `openai`), and the models a provider lists, loaded on demand through `providers.test`.
import { useCallback, useState } from 'react';
import type { ProviderInfo } from '../../../electron/api/types';
import { useClient } from '../../app-context';
import { errorMessage } from '../../api/host-call-error';
import { useHostQuery } from '../../components/use-host-query';

export type ModelList =
  | { state: 'loading' }
  | { state: 'ok'; models: string[] }
  | { state: 'error'; message: string };

export interface ProviderCatalog {
  /** Settings → Providers; null while loading or when they could not be loaded. */
  settings: ProviderInfo[] | null;
  error: string | null;
  /** By Settings provider name: what its last "Load models" gave. */
  models: Record<string, ModelList>;
  loadModels: (name: string) => void;
}

export function useProviders(): ProviderCatalog {
  const client = useClient();
  const list = useHostQuery(() => client.call('providers.list', {}), 'providers');
  const [models, setModels] = useState<Record<string, ModelList>>({});

  const loadModels = useCallback(
    (name: string) => {
      setModels((current) => ({ ...current, [name]: { state: 'loading' } }));
      client.call('providers.test', { name }).then(
        (result) =>
          setModels((current) => ({
            ...current,
            [name]: result.ok ? { state: 'ok', models: result.models } : { state: 'error', message: result.message },
          })),
        (error: unknown) =>
          setModels((current) => ({ ...current, [name]: { state: 'error', message: errorMessage(error) } })),
      );
    },
    [client],
  );

  return { settings: list.data, error: list.error, models, loadModels };
}
