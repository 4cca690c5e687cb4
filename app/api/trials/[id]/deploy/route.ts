import { getContext } from "@/server/context";
import { deployCandidate } from "@/server/usecases/deploy-candidate";
import { respond } from "@/server/usecases/errors";
import { getTrialDeployment } from "@/server/usecases/get-trial-deployment";
import { undeployCandidate } from "@/server/usecases/undeploy-candidate";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** the candidate's deployment: { deployment } (null when it is not deployed) */
export const GET = (_req: Request, { params }: Params) =>
  respond(async () => Response.json(await getTrialDeployment(await getContext(), (await params).id), { headers: { "Cache-Control": "no-store" } }));

/** deploys the candidate (201), or answers its deployment when it is deployed already (200) */
export const POST = (_req: Request, { params }: Params) =>
  respond(async () => {
    const { deployment, created } = await deployCandidate(await getContext(), (await params).id);
    return Response.json(deployment, { status: created ? 201 : 200 });
  });

/** undeploys the candidate: its model id answers 404 from now on */
export const DELETE = (_req: Request, { params }: Params) =>
  respond(async () => {
    await undeployCandidate(await getContext(), (await params).id);
    return new Response(null, { status: 204 });
  });
