import { getContext } from "@/server/context";
import { compareRuns } from "@/server/usecases/compare-runs";
import { respond } from "@/server/usecases/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/runs/compare?runs=id1,id2,... (this static segment wins over /api/runs/[id]) */
export const GET = (request: Request) =>
  respond(async () => Response.json(await compareRuns(await getContext(), new URL(request.url).searchParams.get("runs"))));
