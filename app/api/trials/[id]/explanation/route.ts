import { getContext } from "@/server/context";
import { respond } from "@/server/usecases/errors";
import { getTrialExplanation } from "@/server/usecases/get-trial-explanation";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = (_req: Request, { params }: { params: Promise<{ id: string }> }) =>
  respond(async () => Response.json(await getTrialExplanation(await getContext(), (await params).id)));
