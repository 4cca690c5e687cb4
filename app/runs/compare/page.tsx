import { RunsComparePage } from "@/components/runs-compare/runs-compare-page";
import { compareRunsKey } from "@/components/queries/compare-runs";
import { compareRuns } from "@/server/usecases/compare-runs";
import { Prefetched } from "../../prefetch";

export const dynamic = "force-dynamic";

/** /runs/compare?runs=id1,id2,... (this static segment wins over /runs/[id]) */
export default async function Page({ searchParams }: { searchParams: Promise<{ runs?: string | string[] }> }) {
  const { runs } = await searchParams;
  const runIds = Array.isArray(runs) ? runs.join(",") : (runs ?? "");
  return (
    <Prefetched queries={[{ key: compareRunsKey(runIds), load: (ctx) => compareRuns(ctx, runIds) }]}>
      <RunsComparePage runIds={runIds} />
    </Prefetched>
  );
}
