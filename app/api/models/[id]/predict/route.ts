import { getContext } from "@/server/context";
import { readJson, respond } from "@/server/usecases/errors";
import { predictRows } from "@/server/usecases/predict-rows";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Real-time predictions from a deployed model: `{"rows": [{column: value, ...}, ...]}` in, PredictRowsDto out
 * (a prediction per row, each class's probability for a classifier, warnings). Server-Timing says how long the
 * prediction took on the server.
 */
export const POST = (request: Request, { params }: { params: Promise<{ id: string }> }) =>
  respond(async () => {
    const [ctx, body, { id }] = await Promise.all([getContext(), readJson(request), params]);
    const started = performance.now();
    const out = await predictRows(ctx, id, body);
    return Response.json(out, { headers: { "Cache-Control": "no-store", "Server-Timing": `predict;dur=${(performance.now() - started).toFixed(2)}` } });
  });
