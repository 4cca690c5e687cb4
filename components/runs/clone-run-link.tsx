import Link from "next/link";
import type { RunDto } from "@/server/contracts/run";
import { enc } from "../queries/api";

/** the dataset page with the new-run form filled from this run's settings */
export const cloneRunUrl = (run: Pick<RunDto, "id" | "datasetId">) => `/datasets/${enc(run.datasetId)}?clone=${enc(run.id)}`;

/** Starts a new run from this one's settings, to change some of them (seed, strategy, budget, families, constraints). */
export function CloneRunLink({ run, className = "btn btn-small" }: { run: Pick<RunDto, "id" | "datasetId">; className?: string }) {
  return (
    <Link href={cloneRunUrl(run)} className={className} data-testid="clone-run" title="A new run on the same dataset, starting from this run's settings">
      Clone
    </Link>
  );
}
