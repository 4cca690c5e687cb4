import { configuredToken, TOKEN_COOKIE, tokenMatches } from "@/server/usecases/access-token";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The login form posts the token here; a right one sets the cookie and goes on to `next`. */
export async function POST(request: Request) {
  const form = await request.formData().catch(() => null);
  const token = String(form?.get("token") ?? "");
  const next = safeNext(String(form?.get("next") ?? "/"));
  const expected = configuredToken();
  const url = new URL(request.url);
  if (expected !== null && !tokenMatches(token, expected)) {
    return Response.redirect(new URL(`/login?failed=1&next=${encodeURIComponent(next)}`, url), 303);
  }
  const headers = new Headers({ Location: new URL(next, url).toString() });
  if (expected !== null) {
    headers.append("Set-Cookie", `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000`);
  }
  return new Response(null, { status: 303, headers });
}

/** only paths on this site */
const safeNext = (next: string) => (next.startsWith("/") && !next.startsWith("//") ? next : "/");
