import { getContext } from "@/server/context";
import { compareCsv } from "@/server/usecases/compare-csv";
import { respond } from "@/server/usecases/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/compare/csv?trials=id1,id2,...: the comparison as a CSV download */
export const GET = (req: Request) =>
  respond(async () => {
    const { fileName, csv } = await compareCsv(await getContext(), Object.fromEntries(new URL(req.url).searchParams));
    return new Response(csv, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        // the name is digits and dashes only (the candidates' numbers)
        "Content-Disposition": `attachment; filename="${fileName}"`,
        "Cache-Control": "no-store",
      },
    });
  });
