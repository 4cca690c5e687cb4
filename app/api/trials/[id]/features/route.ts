import { getContext } from "@/server/context";
import { respond } from "@/server/usecases/errors";
import { getTrialFeatures } from "@/server/usecases/get-trial-features";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = (_req: Request, { params }: { params: Promise<{ id: string }> }) =>
  respond(async () => Response.json(await getTrialFeatures(await getContext(), (await params).id)));
