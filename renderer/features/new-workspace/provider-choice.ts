// Which Settings provider an agent's `provider:` reaches, for its default model and "Load models".
// Pure, so unit tests and both editors share it.
import type { ProviderInfo } from '../../../electron/api/types';

/** The Settings provider an agent's `provider:` reaches, when its file does not declare that name (names ignore case). */
export function settingsProviderFor(
  provider: string | null,
  fileProviders: readonly string[],
  settings: readonly ProviderInfo[] | null,
): ProviderInfo | null {
  if (!settings) return null;
  if (provider === null) return settings.find((item) => item.builtIn) ?? null;
  if (fileProviders.includes(provider)) return null;
  const lower = provider.toLowerCase();
  return settings.find((item) => item.name === provider) ?? settings.find((item) => item.name.toLowerCase() === lower) ?? null;
}
