import { getContext } from "@/server/context";
import { LabelReportQuery } from "@/server/contracts/dataset-api";
import { respond } from "@/server/usecases/errors";
import { getLabelReport } from "@/server/usecases/get-label-report";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** `?label=NAME[&problemType=binary|multiclass|regression]`: the label's associations and warnings */
export const GET = (request: Request, { params }: Params) =>
  respond(async () => {
    const query = LabelReportQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
    return Response.json(await getLabelReport(await getContext(), (await params).id, query));
  });
