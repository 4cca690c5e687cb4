import { getContext } from "@/server/context";
import { ListTrialsQuery } from "@/server/contracts/leaderboard";
import { respond } from "@/server/usecases/errors";
import { listTrials } from "@/server/usecases/list-trials";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** one page of the run's leaderboard: ?sort=&dir=&family=&status=&feasible=&min=&max=&ids=&offset=&limit= */
export const GET = (request: Request, { params }: Params) =>
  respond(async () => {
    const query = ListTrialsQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
    return Response.json(await listTrials(await getContext(), (await params).id, query), { headers: { "Cache-Control": "no-store" } });
  });
