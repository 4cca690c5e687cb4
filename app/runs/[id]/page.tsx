import { RunPage } from "@/components/runs/run-page";
import { runKey } from "@/components/queries/get-run";
import { getRun } from "@/server/usecases/get-run";
import { Prefetched } from "../../prefetch";

export const dynamic = "force-dynamic";

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Prefetched queries={[{ key: runKey(id), load: (ctx) => getRun(ctx, id) }]}>
      <RunPage id={id} />
    </Prefetched>
  );
}
