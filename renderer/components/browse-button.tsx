// "Browse…" next to a folder path field: the native folder picker on the desktop. Browser mode has
// no picker (the host may run on another machine), so there the path is typed and checked by the host.
import { useEffect, useRef, useState } from 'react';
import { useServices } from '../app-context';

export function BrowseButton({ title, onPick }: { title: string; onPick: (path: string) => void }) {
  const { client, transport } = useServices();
  const [busy, setBusy] = useState(false);
  // The dialog can outlive the page that opened it.
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);
  if (transport !== 'bridge') return null;

  async function browse() {
    setBusy(true);
    try {
      const { path } = await client.call('app.pickDirectory', { title });
      if (path && mounted.current) onPick(path);
    } finally {
      if (mounted.current) setBusy(false);
    }
  }

  return (
    <button type="button" className="btn" disabled={busy} onClick={() => void browse()} data-testid="browse-button">
      Browse…
    </button>
  );
}
