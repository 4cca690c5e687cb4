import { getContext } from "@/server/context";
import { cancelRun } from "@/server/usecases/cancel-run";
import { respond } from "@/server/usecases/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = (_req: Request, { params }: { params: Promise<{ id: string }> }) =>
  respond(async () => Response.json(await cancelRun(await getContext(), (await params).id)));
