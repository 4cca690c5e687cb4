import { RunPage } from "@/components/runs/run-page";
import { runKey } from "@/components/queries/get-run";
import { runInsightKey } from "@/components/queries/get-run-insight";
import { trialPageKey } from "@/components/queries/list-trials";
import { getRunInsight } from "@/server/usecases/get-run-insight";
import { getRunOverview } from "@/server/usecases/get-run";
import { listTrials } from "@/server/usecases/list-trials";
import { Prefetched } from "../../prefetch";

export const dynamic = "force-dynamic";

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Prefetched
      queries={[
        { key: runKey(id), load: (ctx) => getRunOverview(ctx, id) },
        // the leaderboard's first page, as it opens (no sort, no filter)
        { key: trialPageKey(id, {}), load: (ctx) => listTrials(ctx, id, {}) },
      ]}
      // the search-insight charts (about 0.5 s of work on 10,000 candidates the first time) follow the leaderboard
      streamed={[{ key: runInsightKey(id), load: (ctx) => getRunInsight(ctx, id) }]}
    >
      <RunPage id={id} />
    </Prefetched>
  );
}
