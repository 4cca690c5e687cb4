// `npm start`: builds the web app on first start, then runs the Next.js server and the job supervisor
// (coordinator + worker processes) side by side. Training never runs in the web server process.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

// next's own entry point, run by this Node directly: a signal to it reaches the server (npx would not pass it on)
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");

const dev = process.argv.includes("--dev");
const env = { NEXT_TELEMETRY_DISABLED: "1", ...process.env };
const host = env.HOST ?? "127.0.0.1";
const port = env.PORT ?? "3000";
const loopback = ["127.0.0.1", "localhost", "::1"].includes(host);
if (!loopback && (env.STUDIO_TOKEN ?? "").length < 16) {
  console.error(`Refusing to listen on ${host}: set STUDIO_TOKEN (16+ characters); the UI and API will then require it.`);
  process.exit(1);
}

if (!dev && !existsSync(".next/BUILD_ID")) {
  console.log("Building the web app (first start only)...");
  const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const children = [
  spawn(process.execPath, [nextBin, dev ? "dev" : "start", "-H", host, "-p", port], { stdio: "inherit", env }),
  spawn(process.execPath, ["--import", "tsx", "server/jobs/supervisor-main.ts"], { stdio: "inherit", env }),
];
console.log(`AutoML Studio: http://${host === "::1" ? "[::1]" : host}:${port}`);

let exiting = false;
const shutdown = (code) => {
  if (exiting) return;
  exiting = true;
  for (const c of children) c.kill("SIGTERM");
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once("exit", r))))).then(() => process.exit(code));
};
for (const c of children) c.on("exit", (code) => shutdown(code ?? 1));
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));
