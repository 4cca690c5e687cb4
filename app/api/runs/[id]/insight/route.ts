import { z } from "zod";
import { getContext } from "@/server/context";
import { respond } from "@/server/usecases/errors";
import { getRunInsight } from "@/server/usecases/get-run-insight";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const Params = z.object({ id: z.string().min(1, "Give a run id.") });

/** GET /api/runs/:id/insight — optimisation history, parallel coordinates and hyperparameter importance */
export const GET = (_req: Request, { params }: { params: Promise<{ id: string }> }) =>
  respond(async () => {
    const { id } = Params.parse(await params);
    return Response.json(await getRunInsight(await getContext(), id), { headers: { "Cache-Control": "no-store" } });
  });
