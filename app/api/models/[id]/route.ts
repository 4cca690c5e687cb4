import { getContext } from "@/server/context";
import { respond } from "@/server/usecases/errors";
import { getModel } from "@/server/usecases/get-model";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** a deployed model and what to send it: its input columns, their kinds and an example row (ModelInfoDto) */
export const GET = (_req: Request, { params }: { params: Promise<{ id: string }> }) =>
  respond(async () => Response.json(await getModel(await getContext(), (await params).id), { headers: { "Cache-Control": "no-store" } }));
