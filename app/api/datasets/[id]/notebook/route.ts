import { getContext } from "@/server/context";
import { respond } from "@/server/usecases/errors";
import { DatasetNotebookQuery, getDatasetNotebook } from "@/server/usecases/get-dataset-notebook";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** `[?label=NAME[&problemType=binary|multiclass|regression]]`: the dataset's exploration notebook (.ipynb) as a download */
export const GET = (request: Request, { params }: Params) =>
  respond(async () => {
    const query = DatasetNotebookQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
    const { fileName, notebook } = await getDatasetNotebook(await getContext(), (await params).id, query);
    return new Response(notebook, {
      headers: {
        "Content-Type": "application/x-ipynb+json; charset=utf-8",
        // the name is ASCII letters, digits, dot, dash and underscore only (safeFileStem)
        "Content-Disposition": `attachment; filename="${fileName}"`,
        "Cache-Control": "no-store",
      },
    });
  });
