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
          This page needs the link printed by <code>dspatch serve</code> (it contains an access token).
        </p>
        {refused ? (
          <p className="muted">
            The token this page had was refused — it may be from an earlier run of the server.
          </p>
        ) : null}
        <p className="muted">Open the full link from the terminal where the server is running.</p>
      </div>
    </main>
  );
}
