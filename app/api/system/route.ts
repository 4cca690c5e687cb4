import { getContext } from "@/server/context";
import { respond } from "@/server/usecases/errors";
import { systemInfo } from "@/server/usecases/system-info";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = () => respond(async () => Response.json(await systemInfo(await getContext())));
