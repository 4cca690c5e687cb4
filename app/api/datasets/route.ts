import { getContext } from "@/server/context";
import { isAuthorized, unauthorized } from "@/server/usecases/access-token";
import { respond } from "@/server/usecases/errors";
import { listDatasets } from "@/server/usecases/list-datasets";
import { uploadDataset } from "@/server/usecases/upload-dataset";
import { trackUpload } from "@/server/usecases/upload-progress";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// proxy.ts leaves this path out (it would buffer upload bodies), so both methods check the token here
export function GET(request: Request) {
  if (!isAuthorized(request.headers)) return unauthorized();
  return respond(async () => Response.json(await listDatasets(await getContext())));
}

/**
 * The raw file is the body (streamed to disk, never read whole); its name is in `x-file-name`, URI-encoded.
 * An optional `x-upload-id` lets the browser follow the parsing at GET /api/uploads/:id while this request is open.
 */
export async function POST(request: Request) {
  if (!isAuthorized(request.headers)) return unauthorized();
  return respond(async () => {
    const length = request.headers.get("content-length");
    const dataset = await uploadDataset(await getContext(), {
      fileName: request.headers.get("x-file-name"),
      body: request.body,
      declaredBytes: length ? Number(length) : null,
      progress: trackUpload(request.headers.get("x-upload-id")),
    });
    return Response.json(dataset, { status: 201 });
  });
}
