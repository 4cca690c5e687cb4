import { getContext } from "@/server/context";
import { respond } from "@/server/usecases/errors";
import { getTrialArchitecture } from "@/server/usecases/get-trial-architecture";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = (_req: Request, { params }: { params: Promise<{ id: string }> }) =>
  respond(async () => Response.json(await getTrialArchitecture(await getContext(), (await params).id)));
