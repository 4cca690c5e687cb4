import { NextResponse, type NextRequest } from "next/server";
import { isAuthorized, unauthorized } from "./server/usecases/access-token";

/**
 * The access token (STUDIO_TOKEN): when set, every page and API call needs it (cookie from /login, or a bearer
 * header). Without a token (the loopback default) everything passes.
 *
 * The matcher leaves out static files and the two routes that stream uploads (POST /api/datasets and
 * /api/runs/:id/predict): Next buffers the body of every request the proxy sees (10 MB at most by default),
 * which would truncate large files. Those routes check the token themselves.
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (pathname === "/login" || pathname === "/api/login") return NextResponse.next();
  if (isAuthorized(request.headers)) return NextResponse.next();
  if (pathname.startsWith("/api/")) return unauthorized();
  const login = new URL("/login", request.url);
  login.searchParams.set("next", pathname + request.nextUrl.search);
  return NextResponse.redirect(login);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon\\.ico|icon\\.svg|api/datasets$|api/runs/[^/]+/predict$).*)"],
};
