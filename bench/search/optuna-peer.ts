/** Runs bench/search-optuna.py (Debian's python3-optuna) and reads its runs back. */
import { spawn } from "node:child_process";
import path from "node:path";
import { z } from "zod";

export const OPTUNA_SAMPLERS = ["optuna-tpe", "optuna-random"] as const;

const PeerOutput = z.object({
  optuna: z.string(),
  runs: z.array(z.object({ strategy: z.enum(OPTUNA_SAMPLERS), function: z.string(), seed: z.number().int(), best: z.array(z.number()), seconds: z.number() })),
});
export type PeerOutput = z.infer<typeof PeerOutput>;

const SCRIPT = path.join(import.meta.dirname, "..", "search-optuna.py");

export async function runOptunaPeer(opts: { seeds: number[]; evals: number; functions: string[] }): Promise<PeerOutput> {
  const args = [SCRIPT, "--seeds", opts.seeds.join(","), "--evals", String(opts.evals), "--functions", opts.functions.join(",")];
  // stderr (its progress, or the ImportError when python3-optuna is missing) goes straight to ours
  const child = spawn("/usr/bin/python3", args, { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  const code: number = await new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`/usr/bin/python3 ${args.join(" ")} exited with ${code} (is python3-optuna installed? apt-get install -y python3-optuna)`);
  return PeerOutput.parse(JSON.parse(stdout.trim().split("\n").pop()!));
}
