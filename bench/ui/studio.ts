/** The studio as `npm start` runs it (scripts/start.mjs: Next.js server and job supervisor) on a free port. */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";

export interface RunningStudio {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** starts the studio on dataDir and resolves once its API answers (a first start builds the web app: minutes) */
export async function startStudio(dataDir: string, log: (line: string) => void): Promise<RunningStudio> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ["scripts/start.mjs"], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", STUDIO_DATA_DIR: dataDir, STUDIO_WORKERS: "1", DATABASE_URL: "", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the studio exited (${child.exitCode}):\n${output}`);
    const ok = await fetch(`${url}/api/system`).then((r) => r.ok, () => false);
    if (ok) {
      log(`studio up at ${url}`);
      return { url, stop };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`the studio did not answer within 10 minutes:\n${output}`);
}
