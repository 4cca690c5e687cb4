export const metadata = { title: "Sign in · AutoML Studio" };

/** Shown when STUDIO_TOKEN is set and the browser has no token yet; a plain form, no script needed. */
export default async function Login({ searchParams }: { searchParams: Promise<{ next?: string; failed?: string }> }) {
  const { next, failed } = await searchParams;
  return (
    <main className="page narrow">
      <form className="card form" method="post" action="/api/login">
        <h1>Sign in</h1>
        <p className="muted">This studio requires its access token (STUDIO_TOKEN).</p>
        {failed ? (
          <div className="alert" role="alert" data-testid="error">
            That token is not right.
          </div>
        ) : null}
        <input type="hidden" name="next" value={next ?? "/"} />
        <label className="field">
          <span>Access token</span>
          <input type="password" name="token" autoComplete="current-password" required data-testid="token-input" />
        </label>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary">
            Sign in
          </button>
        </div>
      </form>
    </main>
  );
}
