import { getContext } from "@/server/context";
import { respond } from "@/server/usecases/errors";
import { listDeployments } from "@/server/usecases/list-deployments";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** the run's deployed candidates: { deployments }, the oldest first */
export const GET = (_req: Request, { params }: { params: Promise<{ id: string }> }) =>
  respond(async () => Response.json(await listDeployments(await getContext(), (await params).id), { headers: { "Cache-Control": "no-store" } }));
