import { encodePredictionWarnings, PREDICTION_WARNINGS_HEADER, type PredictionWarning } from "@/server/contracts/prediction";
import { getContext } from "@/server/context";
import { isAuthorized, unauthorized } from "@/server/usecases/access-token";
import { respond } from "@/server/usecases/errors";
import { predict } from "@/server/usecases/predict";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** a bound on the warnings header, well under the header limits of servers and proxies (one warning per column at most) */
const MAX_WARNINGS_HEADER = 8 * 1024;

/**
 * The CSV to predict is the body (streamed to a temp file); `?candidate=ID` picks a candidate, else the best.
 * The answer is predictions.csv; warnings about the uploaded CSV come in the X-Prediction-Warnings header as
 * URI-encoded JSON (PredictionWarning[]), so the body stays the exact CSV.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  // proxy.ts leaves this route out (it would buffer the body), so the token is checked here
  if (!isAuthorized(request.headers)) return unauthorized();
  return respond(async () => {
    const { csv, fileName, warnings } = await predict(await getContext(), {
      runId: (await params).id,
      candidate: new URL(request.url).searchParams.get("candidate"),
      body: request.body,
    });
    return new Response(csv, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${fileName}"`,
        "Cache-Control": "no-store",
        [PREDICTION_WARNINGS_HEADER]: warningsHeader(warnings),
      },
    });
  });
}

/** the warnings as the header carries them: as many as fit in MAX_WARNINGS_HEADER, in order */
function warningsHeader(warnings: PredictionWarning[]): string {
  let kept = warnings;
  let value = encodePredictionWarnings(kept);
  while (value.length > MAX_WARNINGS_HEADER && kept.length > 0) {
    kept = kept.slice(0, -1);
    value = encodePredictionWarnings(kept);
  }
  return value;
}
