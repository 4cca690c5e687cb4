import { getContext } from "@/server/context";
import { compareCandidates } from "@/server/usecases/compare-candidates";
import { respond } from "@/server/usecases/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/compare?trials=id1,id2,...: two to five candidates side by side */
export const GET = (req: Request) =>
  respond(async () => Response.json(await compareCandidates(await getContext(), Object.fromEntries(new URL(req.url).searchParams)), { headers: { "Cache-Control": "no-store" } }));
