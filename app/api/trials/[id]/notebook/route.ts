import { getContext } from "@/server/context";
import { downloadNotebook } from "@/server/usecases/download-archive";
import { respond } from "@/server/usecases/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = (_req: Request, { params }: { params: Promise<{ id: string }> }) =>
  respond(async () => {
    const { fileName, bytes } = await downloadNotebook(await getContext(), (await params).id);
    return new Response(Buffer.from(bytes), {
      headers: {
        "Content-Type": "application/x-ipynb+json",
        "Content-Disposition": `attachment; filename="${fileName}"`,
        "Content-Length": String(bytes.byteLength),
        "Cache-Control": "no-store",
      },
    });
  });
