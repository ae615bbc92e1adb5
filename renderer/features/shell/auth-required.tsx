// Browser mode without a valid token: the page cannot do anything, so say how to get in.
export function AuthRequired({ refused }: { refused: boolean }) {
  return (
    <main className="auth-required" data-testid="auth-required">
      <div className="auth-card">
        <div className="brand-mark big" aria-hidden="true">
          d:
        </div>
        <h1>Access link needed</h1>
        <p>
          Open the link <code>dspatch serve</code> printed (it contains an access token), or run{' '}
          <code>dspatch serve --new-token</code> for a new one.
        </p>
        {refused ? (
          <p className="muted">
            The token this page had was refused: the server was started with <code>--new-token</code> since, or the
            link is from another data folder.
          </p>
        ) : null}
        <p className="muted">The link stays the same when the server restarts, so a bookmark of it keeps working.</p>
      </div>
    </main>
  );
}
