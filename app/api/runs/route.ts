import { getContext } from "@/server/context";
import { createRun } from "@/server/usecases/create-run";
import { readJson, respond } from "@/server/usecases/errors";
import { listRuns } from "@/server/usecases/list-runs";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = (request: Request) =>
  respond(async () => {
    const datasetId = new URL(request.url).searchParams.get("datasetId") ?? undefined;
    return Response.json(await listRuns(await getContext(), { datasetId }));
  });

export const POST = (request: Request) =>
  respond(async () => Response.json(await createRun(await getContext(), await readJson(request)), { status: 201 }));
