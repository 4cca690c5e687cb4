import { DatasetsPage } from "@/components/datasets/dataset-list";
import { datasetsKey } from "@/components/queries/list-datasets";
import { listDatasets } from "@/server/usecases/list-datasets";
import { Prefetched } from "./prefetch";

export const dynamic = "force-dynamic";

export default function Home() {
  return (
    <Prefetched queries={[{ key: datasetsKey, load: listDatasets }]}>
      <DatasetsPage />
    </Prefetched>
  );
}
