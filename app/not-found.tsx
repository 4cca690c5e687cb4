import Link from "next/link";

export default function NotFound() {
  return (
    <main className="page">
      <h1>Not found</h1>
      <p className="muted">This page does not exist.</p>
      <Link href="/">← All datasets</Link>
    </main>
  );
}
