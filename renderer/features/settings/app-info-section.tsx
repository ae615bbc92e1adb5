import { useAppInfo } from '../../app-context';
import { ErrorBanner } from '../../components/error-banner';

export function AppInfoSection() {
  const info = useAppInfo();
  return (
    <section className="panel" data-testid="app-info">
      <div className="panel-header">
        <h2>About this installation</h2>
      </div>
      {!info ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <dl className="facts">
            <dt>Version</dt>
            <dd className="mono">{info.version}</dd>
            <dt>Mode</dt>
            <dd>{info.mode === 'desktop' ? 'Desktop app' : 'Browser mode (dspatch serve)'}</dd>
            <dt>Data folder</dt>
            <dd className="mono">{info.dataDir}</dd>
            <dt>Secret storage</dt>
            <dd>
              <span className="mono">{info.secrets.backend}</span>
              <span className={`badge ${info.secrets.osProtected ? 'badge-ok' : 'badge-warn'}`}>
                {info.secrets.osProtected ? 'OS keychain' : 'not an OS keychain'}
              </span>
            </dd>
          </dl>
          {info.secrets.osProtected ? (
            <p className="muted small">{info.secrets.note}</p>
          ) : (
            <ErrorBanner tone="warning" message={info.secrets.note} />
          )}
        </>
      )}
    </section>
  );
}
