import { getContext } from "@/server/context";
import { deleteDataset } from "@/server/usecases/delete-dataset";
import { respond } from "@/server/usecases/errors";
import { getDataset } from "@/server/usecases/get-dataset";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export const GET = (_req: Request, { params }: Params) =>
  respond(async () => Response.json(await getDataset(await getContext(), (await params).id)));

export const DELETE = (_req: Request, { params }: Params) =>
  respond(async () => {
    await deleteDataset(await getContext(), (await params).id);
    return new Response(null, { status: 204 });
  });
