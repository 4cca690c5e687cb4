import { RunPage } from "@/components/runs/run-page";
import { runKey } from "@/components/queries/get-run";
import { runInsightKey } from "@/components/queries/get-run-insight";
import { trialPageKey } from "@/components/queries/list-trials";
import { keptRunInsight } from "@/server/usecases/get-run-insight";
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
      // the search-insight charts when a finished run's were computed before (the first time takes the browser's request)
      ifKept={[{ key: runInsightKey(id), load: (ctx) => keptRunInsight(ctx, id) }]}
    >
      <RunPage id={id} />
    </Prefetched>
  );
}
