import Link from "next/link";
import { ErrorMessage } from "./error-message";

/** What a page shows while its data loads (no error yet), or when it could not be loaded. */
export function PageFallback({ error }: { error: unknown }) {
  if (!error) {
    return (
      <main className="page">
        <p className="muted">Loading…</p>
      </main>
    );
  }
  return (
    <main className="page">
      <ErrorMessage error={error} />
      <Link href="/">← All datasets</Link>
    </main>
  );
}
