// Browser mode: the access token arrives once in the page URL (`?token=`). It is removed from the
// address bar so it is not shared by accident, and kept in localStorage so a reload, a new tab or a
// bookmark of the page works: `dspatch serve` keeps the token across restarts (`--new-token` replaces it).
const STORAGE_KEY = 'dspatch.token';

export function takeAccessToken(): string | null {
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    try {
      localStorage.setItem(STORAGE_KEY, fromUrl);
    } catch {
      // Storage can be disabled; the token still works for this page load.
    }
    params.delete('token');
    const query = params.toString();
    const clean = `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`;
    window.history.replaceState(window.history.state, '', clean);
    return fromUrl;
  }
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function forgetAccessToken(): void {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing to forget.
  }
}
