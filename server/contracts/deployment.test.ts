import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { curlExample, predictPath, shellQuote } from "./deployment";

describe("the curl example", () => {
  it("quotes any value as one shell word", () => {
    for (const s of ["plain", "it's", "'", "a b $HOME `x` \\ \" ;|&", "ünïcode\nnew line", ""]) {
      expect(execFileSync("sh", ["-c", `printf '%s' ${shellQuote(s)}`], { encoding: "utf8" })).toBe(s);
    }
  });

  it("sends the rows as JSON, which the shell passes through unchanged", () => {
    const rows = [{ "owner's name": "O'Brien", age: 42, member: true, note: null }];
    const cmd = curlExample("http://127.0.0.1:3000/api/models/abc/predict", rows);
    expect(cmd.split("\n")[0]).toBe("curl -X POST 'http://127.0.0.1:3000/api/models/abc/predict' \\");
    // the same command with curl replaced by a printer of its arguments
    const args = execFileSync("sh", ["-c", `curl() { for a in "$@"; do printf '%s\\n' "$a"; done; }; ${cmd}`], { encoding: "utf8" }).trimEnd().split("\n");
    expect(args).toEqual(["-X", "POST", "http://127.0.0.1:3000/api/models/abc/predict", "-H", "Content-Type: application/json", "-d", JSON.stringify({ rows })]);
    expect(predictPath("a/b")).toBe("/api/models/a%2Fb/predict");
  });
});
