import { ComparePage } from "@/components/compare/compare-page";
import { compareKey } from "@/components/queries/compare-candidates";
import { trialIdsOf } from "@/server/contracts/compare";
import { compareCandidates } from "@/server/usecases/compare-candidates";
import { Prefetched } from "../prefetch";

export const dynamic = "force-dynamic";

export default async function Page({ searchParams }: { searchParams: Promise<{ trials?: string | string[] }> }) {
  const { trials } = await searchParams;
  const ids = trialIdsOf([trials ?? ""].flat().join(","));
  return (
    <Prefetched queries={[{ key: compareKey(ids), load: (ctx) => compareCandidates(ctx, { trials: ids.join(",") }) }]}>
      <ComparePage trialIds={ids} />
    </Prefetched>
  );
}
