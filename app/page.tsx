import { DatasetsPage } from "@/components/datasets/dataset-list";

export default function Home() {
  return <DatasetsPage />;
}
