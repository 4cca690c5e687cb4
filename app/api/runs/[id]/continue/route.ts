import { getContext } from "@/server/context";
import { continueRun } from "@/server/usecases/continue-run";
import { readJson, respond } from "@/server/usecases/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = (request: Request, { params }: { params: Promise<{ id: string }> }) =>
  respond(async () => Response.json(await continueRun(await getContext(), (await params).id, await readJson(request))));
