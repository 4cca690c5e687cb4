import { getContext } from "@/server/context";
import { respond } from "@/server/usecases/errors";
import { getRunReport } from "@/server/usecases/get-run-report";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** the run's report notebook (.ipynb: settings, leaderboard, search history) as a download */
export const GET = (_req: Request, { params }: { params: Promise<{ id: string }> }) =>
  respond(async () => {
    const { fileName, notebook } = await getRunReport(await getContext(), (await params).id);
    return new Response(notebook, {
      headers: {
        "Content-Type": "application/x-ipynb+json; charset=utf-8",
        // the name is ASCII letters, digits, dot, dash and underscore only (safeFileStem)
        "Content-Disposition": `attachment; filename="${fileName}"`,
        "Cache-Control": "no-store",
      },
    });
  });
