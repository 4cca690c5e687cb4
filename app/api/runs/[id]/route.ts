import { getContext } from "@/server/context";
import { deleteRun } from "@/server/usecases/delete-run";
import { respond } from "@/server/usecases/errors";
import { getRunOverview } from "@/server/usecases/get-run";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export const GET = (_req: Request, { params }: Params) =>
  respond(async () => Response.json(await getRunOverview(await getContext(), (await params).id)));

export const DELETE = (_req: Request, { params }: Params) =>
  respond(async () => {
    await deleteRun(await getContext(), (await params).id);
    return new Response(null, { status: 204 });
  });
