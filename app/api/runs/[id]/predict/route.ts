import { getContext } from "@/server/context";
import { isAuthorized, unauthorized } from "@/server/usecases/access-token";
import { respond } from "@/server/usecases/errors";
import { predict } from "@/server/usecases/predict";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The CSV to predict is the body (streamed to a temp file); `?candidate=ID` picks a candidate, else the best. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  // proxy.ts leaves this route out (it would buffer the body), so the token is checked here
  if (!isAuthorized(request.headers)) return unauthorized();
  return respond(async () => {
    const { csv, fileName } = await predict(await getContext(), {
      runId: (await params).id,
      candidate: new URL(request.url).searchParams.get("candidate"),
      body: request.body,
    });
    return new Response(csv, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${fileName}"`,
        "Cache-Control": "no-store",
      },
    });
  });
}
