/**
 * The peers' side of one cell: shared/bench/peers.py SEED_DIR BUDGET NAME trains scikit-learn's HistGradientBoosting
 * (defaults) and XGBoost tuned by Optuna's TPE for the budget on train.csv, scores both on test.csv with score.py and
 * prints a JSON line per peer.
 */
import path from "node:path";
import { z } from "zod";
import { METRIC, PYTHON, script, type BenchDataset } from "./datasets";
import { execute, failure } from "./exec";

export const PEERS = ["hgb", "xgb-tpe"] as const;
export type PeerName = (typeof PEERS)[number];
export const PEER_LABELS: Record<PeerName, string> = { hgb: "HGB", "xgb-tpe": "XGB+TPE" };

export interface PeerResult {
  metric: number | null;
  scores: Record<string, number> | null;
  /** fit (and for XGBoost, the search and the final fit) as peers.py measured it */
  seconds: number | null;
  error: string | null;
}

const Line = z.looseObject({ dataset: z.string(), peer: z.string(), seconds: z.number() });

/** peers.py's own name for a peer: the tuned one carries the budget */
const scriptName = (peer: PeerName, budgetS: number) => (peer === "xgb-tpe" ? `xgb-tpe-${budgetS}s` : peer);

/** where peers.py writes a peer's predictions of test.csv */
export const peerPredictions = (cellDir: string, peer: PeerName, budgetS: number) => path.join(cellDir, `preds-${scriptName(peer, budgetS)}.csv`);

export async function runPeers(dataset: BenchDataset, seedDir: string, budgetS: number, tsv: string): Promise<Record<PeerName, PeerResult>> {
  const f = await execute(PYTHON, [script("peers.py"), seedDir, String(budgetS), dataset.name], {
    env: { ...process.env, DATASETS_TSV: tsv },
    timeoutS: budgetS * 3 + 600,
    logFile: path.join(seedDir, dataset.name, "peers.log"),
  });
  const lines = f.stdout.split("\n").flatMap((l) => {
    try {
      const parsed = Line.safeParse(JSON.parse(l));
      return parsed.success && parsed.data.dataset === dataset.name ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
  const results = {} as Record<PeerName, PeerResult>;
  for (const peer of PEERS) {
    const line = lines.find((l) => l.peer === scriptName(peer, budgetS));
    if (!line) {
      results[peer] = { metric: null, scores: null, seconds: null, error: f.code === 0 ? `peers.py printed no line for ${scriptName(peer, budgetS)}` : failure("peers.py", f) };
      continue;
    }
    const scores = Object.fromEntries(Object.entries(line).filter((e): e is [string, number] => !["dataset", "peer", "seconds"].includes(e[0]) && typeof e[1] === "number"));
    const metric = scores[METRIC[dataset.task]];
    results[peer] = { metric: metric ?? null, scores, seconds: line.seconds, error: metric === undefined ? `peers.py printed no ${METRIC[dataset.task]}` : null };
  }
  return results;
}
