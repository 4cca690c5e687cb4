import { DatasetPage } from "@/components/datasets/dataset-page";

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <DatasetPage id={id} />;
}
