import { DatasetPage } from "@/components/datasets/dataset-page";
import { datasetKey } from "@/components/queries/get-dataset";
import { getDataset } from "@/server/usecases/get-dataset";
import { Prefetched } from "../../prefetch";

export const dynamic = "force-dynamic";

/** /datasets/:id, and /datasets/:id?clone=<runId> for the new-run form filled from that run's settings */
export default async function Page({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ clone?: string | string[] }> }) {
  const { id } = await params;
  const { clone } = await searchParams;
  return (
    <Prefetched queries={[{ key: datasetKey(id), load: (ctx) => getDataset(ctx, id) }]}>
      <DatasetPage id={id} cloneId={typeof clone === "string" && clone !== "" ? clone : null} />
    </Prefetched>
  );
}
