// The colour theme: a per-device preference in localStorage. 'system' follows the OS; light or dark
// pin the palette through data-theme on <html> (base.css). public/theme-boot.js applies the stored
// value before the first paint with the same key.
import { useSyncExternalStore } from 'react';

export type ThemePreference = 'system' | 'light' | 'dark';
export const THEME_PREFERENCES: readonly ThemePreference[] = ['system', 'light', 'dark'];

const STORAGE_KEY = 'dspatch.theme';
const listeners = new Set<() => void>();

export function setTheme(theme: ThemePreference): void {
  try {
    if (theme === 'system') window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // Storage blocked: the choice still applies until the page reloads.
  }
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  for (const listener of listeners) listener();
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  return () => listeners.delete(onChange);
}

function current(): ThemePreference {
  const pinned = document.documentElement.dataset.theme;
  return pinned === 'light' || pinned === 'dark' ? pinned : 'system';
}

/** The theme in effect, as <html> shows it (storage may have failed; the page is the truth). */
export function useTheme(): ThemePreference {
  return useSyncExternalStore(subscribe, current);
}
