import { describe, expect, it } from "vitest";
import { isAuthorized, requestToken } from "./access-token";

const TOKEN = "0123456789abcdef-token";

describe("access token", () => {
  it("lets everything through when no token is configured", () => {
    expect(isAuthorized(new Headers(), {})).toBe(true);
  });
  it("needs the token as a bearer header or the cookie when configured", () => {
    const env = { STUDIO_TOKEN: TOKEN };
    expect(isAuthorized(new Headers(), env)).toBe(false);
    expect(isAuthorized(new Headers({ authorization: "Bearer wrong" }), env)).toBe(false);
    expect(isAuthorized(new Headers({ authorization: `Bearer ${TOKEN}` }), env)).toBe(true);
    expect(isAuthorized(new Headers({ cookie: `a=b; studio_token=${encodeURIComponent(TOKEN)}` }), env)).toBe(true);
    expect(requestToken(new Headers({ cookie: "x=1" }))).toBeNull();
  });
});
