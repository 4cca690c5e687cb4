import { getContext } from "@/server/context";
import { respond } from "@/server/usecases/errors";
import { leaderboardCsv } from "@/server/usecases/leaderboard-csv";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = (_req: Request, { params }: { params: Promise<{ id: string }> }) =>
  respond(async () => {
    const { fileName, csv } = await leaderboardCsv(await getContext(), (await params).id);
    return new Response(csv, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${fileName}"`,
        "Cache-Control": "no-store",
      },
    });
  });
