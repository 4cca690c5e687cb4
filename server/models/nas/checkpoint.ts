import { z } from "zod";
import { architectureSchema, checkWeights, layerShapes, parameterCount, type Architecture, type Weights } from "./architecture";
import type { TrainerState } from "./engine";
import { encodeContainer, readHeader, readSections, type Arrays, type Sections } from "../layers/checkpoint-codec";

/**
 * A paused NAS fit: everything the rest of its training depends on, so that resuming gives bit-for-bit what
 * uninterrupted training would have (a Hyperband rung promotes a trial and it continues from here). The engine's
 * row order is a function of its rng alone (trainer.ts), so no order is stored.
 *
 * Stored in the container of layers/checkpoint-codec.ts with magic "NASC" and the arrays in SECTIONS order; the
 * header carries the scalars, the architecture and each array's element count.
 */
export interface TrainingState {
  /** the fit's seed: the training-metric sample is drawn from it again on resume */
  seed: number;
  /** training rows: the engine's shuffles depend on the count */
  rows: number;
  /** the network trained: a checkpoint only continues the same one */
  arch: Architecture;
  /** the engine's whole state; its `epoch` is the epochs trained so far, counting those of earlier checkpoints */
  trainer: TrainerState;
  /** the reason training ended for good (early stopping, max epochs, diverged); null while it can go on */
  finished: string | null;
  /** early stopping: whether the metric (rather than a loss) is watched; null before the first epoch decided it */
  monitorMetric: boolean | null;
  badEpochs: number;
  /** the best epoch so far and its weights; null in a fixed-epoch fit, which keeps no best */
  best: { value: number; epoch: number; weights: Weights } | null;
  /** the layers the fit took from a parent network when it started (weight inheritance) */
  inherited: string[];
}

/** What a checkpoint has to match to continue this fit. */
export interface CheckpointExpectation {
  seed: number;
  arch: Architecture;
  rows: number;
}

const MAGIC = "NASC";
const VERSION = 1;

const SECTIONS = [
  ["theta", "f32"],
  ["stats", "f32"],
  ["m", "f32"],
  ["v", "f32"],
  ["rng", "u32"],
  // float64: early stopping compares the JS number itself, and it may be NaN or infinite (no JSON for those)
  ["bestValue", "f64"],
  // the best epoch's layers in layerShapes(arch) order, each layer's arrays in getWeights() order
  ["bestWeights", "f32"],
] as const satisfies Sections;
type SectionName = (typeof SECTIONS)[number][0];

const Header = z
  .object({
    version: z.literal(VERSION),
    seed: z.number().int(),
    rows: z.number().int().min(1),
    architecture: architectureSchema,
    epoch: z.number().int().min(0),
    t: z.number().int().min(0),
    finished: z.enum(["early stopping", "max epochs", "diverged"]).nullable(),
    monitorMetric: z.boolean().nullable(),
    badEpochs: z.number().int().min(0),
    bestEpoch: z.number().int().min(1).nullable(),
    inherited: z.array(z.string()),
    /** element count of each array, in SECTIONS order */
    lengths: z.array(z.number().int().min(0)).length(SECTIONS.length),
  })
  .strict();
type Header = z.infer<typeof Header>;

export function encodeCheckpoint(s: TrainingState): Uint8Array {
  const arrays: Arrays<typeof SECTIONS> = {
    theta: s.trainer.theta,
    stats: s.trainer.stats,
    m: s.trainer.m,
    v: s.trainer.v,
    rng: s.trainer.rng,
    bestValue: new Float64Array(s.best ? [s.best.value] : []),
    bestWeights: s.best ? flattenWeights(s.arch, s.best.weights) : new Float32Array(0),
  };
  const header: Omit<Header, "lengths"> = {
    version: VERSION,
    seed: s.seed,
    rows: s.rows,
    architecture: s.arch,
    epoch: s.trainer.epoch,
    t: s.trainer.t,
    finished: s.finished as Header["finished"],
    monitorMetric: s.monitorMetric,
    badEpochs: s.badEpochs,
    bestEpoch: s.best?.epoch ?? null,
    inherited: s.inherited,
  };
  return encodeContainer(MAGIC, header, SECTIONS, arrays);
}

/** Reads a checkpoint, checking it is whole and made by a fit of this network, data and seed. */
export function decodeCheckpoint(bytes: Uint8Array, expected: CheckpointExpectation): TrainingState {
  const { json, headerBytes } = readHeader(bytes, MAGIC, "nas", "not a NAS checkpoint");
  const version = (json as { version?: unknown } | null)?.version;
  if (version !== VERSION) throw new Error(`nas: checkpoint version ${String(version)} is not supported (expected ${VERSION})`);
  const parsed = Header.safeParse(json);
  if (!parsed.success) throw new Error(`nas: checkpoint header is invalid: ${z.prettifyError(parsed.error)}`);
  const header = parsed.data;

  if (header.seed !== expected.seed) throw new Error(`nas: checkpoint was made with seed ${header.seed}, this fit has seed ${expected.seed}`);
  if (header.rows !== expected.rows) throw new Error(`nas: checkpoint was made on ${header.rows} training rows, this fit has ${expected.rows}`);
  const difference = architectureDifference(header.architecture, expected.arch);
  if (difference) throw new Error(`nas: checkpoint does not match this network: ${difference}`);

  const arrays = readSections(bytes, headerBytes, SECTIONS, header.lengths, "nas");

  const f32 = (name: SectionName) => arrays[name] as Float32Array;
  const params = parameterCount(expected.arch);
  // batch normalisation's moving mean and variance
  const stats = expected.arch.nodes.reduce((n, node) => n + (node.op === "dense" && node.batchNorm ? 2 * node.units : 0), 0);
  const hasBest = header.bestEpoch !== null;
  const consistent =
    f32("theta").length === params &&
    f32("m").length === params &&
    f32("v").length === params &&
    f32("stats").length === stats &&
    arrays.rng.length === 4 &&
    arrays.bestValue.length === (hasBest ? 1 : 0) &&
    arrays.bestWeights.length === (hasBest ? params + stats : 0);
  if (!consistent) throw new Error("nas: checkpoint is inconsistent");

  return {
    seed: header.seed,
    rows: header.rows,
    arch: expected.arch,
    trainer: { theta: f32("theta"), stats: f32("stats"), m: f32("m"), v: f32("v"), t: header.t, epoch: header.epoch, rng: arrays.rng as Uint32Array },
    finished: header.finished,
    monitorMetric: header.monitorMetric,
    badEpochs: header.badEpochs,
    best: hasBest ? { value: arrays.bestValue[0], epoch: header.bestEpoch!, weights: unflattenWeights(expected.arch, f32("bestWeights")) } : null,
    inherited: header.inherited,
  };
}

/** What differs between a checkpoint's architecture and this fit's, in words; null when they are the same. */
function architectureDifference(saved: Architecture, wanted: Architecture): string | null {
  if (saved.inputs !== wanted.inputs) return `it was made for ${saved.inputs} inputs, this fit has ${wanted.inputs}`;
  if (saved.head !== wanted.head || saved.outputs !== wanted.outputs) {
    return `it was made for a ${saved.head} head of ${saved.outputs}, this fit has a ${wanted.head} head of ${wanted.outputs}`;
  }
  const count = Math.max(saved.nodes.length, wanted.nodes.length);
  for (let i = 0; i < count; i++) {
    const [a, b] = [saved.nodes[i], wanted.nodes[i]];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (!a) return `this fit's network has node "${b.id}" beyond the checkpoint's ${saved.nodes.length} nodes`;
    if (!b) return `the checkpoint's network has node "${a.id}" beyond this fit's ${wanted.nodes.length} nodes`;
    return `node ${i} is ${JSON.stringify(a)} in the checkpoint, ${JSON.stringify(b)} in this fit`;
  }
  if (saved.output !== wanted.output) return `the head reads "${saved.output}" in the checkpoint, "${wanted.output}" in this fit`;
  return null;
}

/** A network's weights as one array: layers in layerShapes(arch) order, each layer's arrays in order. */
function flattenWeights(arch: Architecture, weights: Weights): Float32Array {
  checkWeights(arch, weights);
  const arrays = [...layerShapes(arch).keys()].flatMap((name) => weights.get(name)!);
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

function unflattenWeights(arch: Architecture, flat: Float32Array): Weights {
  const weights: Weights = new Map();
  let offset = 0;
  for (const [name, shapes] of layerShapes(arch)) {
    weights.set(
      name,
      shapes.map((shape) => {
        const size = shape.reduce((a, b) => a * b, 1);
        offset += size;
        return flat.slice(offset - size, offset);
      }),
    );
  }
  return weights;
}
