import { z } from "zod";
import type { ArchitectureDiagramDto } from "../contracts/architecture";
import type { StudioContext } from "../context";
import { archiveFiles, firstModelFolder } from "../export/archive-files";
import { Manifest } from "../export/manifest";
import { architectureSchema } from "../models/nas/architecture";
import { toDiagram } from "../models/nas/diagram";
import { NAS_SPACES } from "../models/nas/space";
import { keys } from "../storage/keys";
import { ConflictError, NotFoundError } from "./errors";

/** the part of a NAS candidate's family.json (server/models/nas/persist.ts) that describes its network */
const SavedNetwork = z.object({ architecture: architectureSchema, space: z.enum(NAS_SPACES) });

/** A finished NAS candidate's network as a diagram, read from its archive (the stored form that rebuilds the model). */
export async function getTrialArchitecture(ctx: StudioContext, trialId: string): Promise<ArchitectureDiagramDto> {
  const trial = await ctx.store.getTrial(trialId);
  if (!trial) throw new NotFoundError("The candidate");
  if (trial.family !== "nas") throw new ConflictError(`Candidate #${trial.number} is an ${trial.family} candidate: only neural architecture search candidates have a searched architecture.`);
  const archive = keys.trialArchive(trial.runId, trial.id);
  const manifestKey = `${archive}/${archiveFiles.manifest}`;
  if (!(await ctx.blobs.exists(manifestKey))) throw new NotFoundError("This candidate's architecture (it has not finished)");
  // a bag's fold models share the candidate's architecture: the first one's describes it
  const manifest = Manifest.parse(JSON.parse((await ctx.blobs.get(manifestKey)).toString()));
  const key = `${archive}/${firstModelFolder(manifest)}/family.json`;
  const saved = SavedNetwork.parse(JSON.parse((await ctx.blobs.get(key)).toString()));
  return toDiagram(saved.architecture, saved.space);
}
