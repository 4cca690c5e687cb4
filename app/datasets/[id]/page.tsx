import { DatasetPage } from "@/components/datasets/dataset-page";
import { datasetKey } from "@/components/queries/get-dataset";
import { getDataset } from "@/server/usecases/get-dataset";
import { Prefetched } from "../../prefetch";

export const dynamic = "force-dynamic";

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Prefetched queries={[{ key: datasetKey(id), load: (ctx) => getDataset(ctx, id) }]}>
      <DatasetPage id={id} />
    </Prefetched>
  );
}
