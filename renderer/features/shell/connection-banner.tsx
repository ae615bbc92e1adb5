// Shown while the WebSocket is down; the client reconnects on its own.
import { useEffect, useState } from 'react';
import { useClient } from '../../app-context';

export function ConnectionBanner() {
  const client = useClient();
  const [connected, setConnected] = useState(true);
  const [everConnected, setEverConnected] = useState(false);

  useEffect(() => {
    if (!client.onConnectionChange) return;
    return client.onConnectionChange((value) => {
      setConnected(value);
      if (value) setEverConnected(true);
    });
  }, [client]);

  if (connected) return null;
  return (
    <div className="connection-banner" role="status" data-testid="reconnecting-banner">
      <span className="spinner" aria-hidden="true" />
      {everConnected ? 'Connection lost. Reconnecting…' : 'Connecting…'}
    </div>
  );
}
