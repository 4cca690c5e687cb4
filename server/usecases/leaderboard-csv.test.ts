import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { leaderboardCsv } from "./leaderboard-csv";
import { bodyOf, tempContext } from "./test-context";
import { uploadDataset } from "./upload-dataset";

describe("leaderboard-csv", () => {
  let ctx: Awaited<ReturnType<typeof tempContext>>;
  beforeEach(async () => {
    ctx = await tempContext();
  });
  afterEach(async () => ctx.dispose());

  it("writes one row per candidate, best first, with its costs, feasibility and every hyperparameter", async () => {
    const ds = await uploadDataset(ctx, { fileName: "d.csv", body: bodyOf("a,b\n1,x\n2,y\n3,x\n") });
    const run = await ctx.store.createRun({ id: "r1", datasetId: ds.id, label: "b", problemType: "binary", metric: "auc", strategy: "random", scheduler: "none", seed: 0, maxTrials: 2, budgetSeconds: null, spaceVersion: "1" });
    await ctx.store.createTrial({ id: "t0", runId: run.id, number: 0, family: "mlp", params: { act: "=cmd()", units: 4 }, spaceVersion: "1" });
    await ctx.store.createTrial({ id: "t1", runId: run.id, number: 1, family: "mlp", params: { act: "relu", dropout: 0.1 }, spaceVersion: "1" });
    await ctx.store.updateTrial("t0", { status: "done", valScore: 0.7, testScore: 0.6, archiveBytes: 2_100_000, infeasibleReason: "archive 2.1 MB is over the 1 MB limit" });
    await ctx.store.updateTrial("t1", { status: "done", valScore: 0.9, testScore: 0.8, valScoreSe: 0.01, testScoreSe: 0.02, lowFidelityScore: 0.85, parentNumber: 0 });
    const { csv, fileName } = await leaderboardCsv(ctx, run.id);
    expect(fileName).toBe("leaderboard-r1.csv");
    const lines = csv.trimEnd().split("\n");
    expect(lines[0]).toContain("validation_auc,test_auc");
    expect(lines[0]).toContain("parameters,archive_bytes,train_seconds");
    expect(lines[0]).toContain("validation_auc_std_error,test_auc_std_error,low_fidelity_auc,parent_candidate,feasible,infeasible_reason,hp_act,hp_dropout,hp_units");
    expect(lines[1]).toMatch(/^1,1,t1,mlp,done,,0\.9,0\.8,/);
    expect(lines[1]).toMatch(/,0\.01,0\.02,0\.85,0,true,,relu,0\.1,$/);
    // a hyperparameter value that a spreadsheet would run as a formula stays text
    expect(lines[2]).toMatch(/,2100000,.*,false,archive 2\.1 MB is over the 1 MB limit,'=cmd\(\),,4$/);
  });
});
