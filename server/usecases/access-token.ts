import { timingSafeEqual } from "node:crypto";

/**
 * The optional access token (STUDIO_TOKEN). When set, every page and API call needs it: as a cookie set by the
 * login page, or as `Authorization: Bearer <token>` for scripts. Used by proxy.ts and by the routes that proxy.ts
 * leaves out (uploads stream their bodies, which the proxy would buffer).
 */
export const TOKEN_COOKIE = "studio_token";

/** the configured token, or null when the studio is open (loopback without a token) */
export function configuredToken(env: Record<string, string | undefined> = process.env): string | null {
  const t = env.STUDIO_TOKEN?.trim();
  return t && t.length >= 16 ? t : null;
}

export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** the token a request carries (bearer header first, then the cookie) */
export function requestToken(headers: Headers): string | null {
  const auth = headers.get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim();
  const cookie = headers.get("cookie") ?? "";
  for (const part of cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(v.join("="));
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** true when the request may proceed */
export function isAuthorized(headers: Headers, env: Record<string, string | undefined> = process.env): boolean {
  const expected = configuredToken(env);
  return expected === null || tokenMatches(requestToken(headers), expected);
}

/** the 401 answer for API calls without the token */
export const unauthorized = () =>
  Response.json({ error: "This studio requires an access token: sign in on the studio's page, or send Authorization: Bearer <token>." }, { status: 401 });
