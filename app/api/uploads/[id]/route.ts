import { respond } from "@/server/usecases/errors";
import { getUploadProgress } from "@/server/usecases/upload-progress";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** How far the server got with an upload whose POST /api/datasets is still open (polled by the upload area). */
export const GET = (_req: Request, { params }: Params) => respond(async () => Response.json(getUploadProgress((await params).id)));
