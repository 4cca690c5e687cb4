import { z } from "zod";
import { architectureSchema, checkWeights, layerShapes, parameterCount, type Architecture, type Weights } from "./architecture";
import type { TrainerState } from "./engine";

/**
 * A paused NAS fit: everything the rest of its training depends on, so that resuming gives bit-for-bit what
 * uninterrupted training would have (a Hyperband rung promotes a trial and it continues from here). The engine's
 * row order is a function of its rng alone (trainer.ts), so no order is stored.
 *
 * Binary layout, little-endian (the byte order of every platform Node runs on, so typed arrays are copied as is):
 *   "NASC" | u32 header length | header: UTF-8 JSON, space-padded to a multiple of 8 | the arrays, in SECTIONS
 *   order, each padded to a multiple of 8 bytes. The header carries the scalars, the architecture and each
 *   array's element count.
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

type Kind = "f32" | "f64" | "u32";
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
] as const satisfies readonly (readonly [string, Kind])[];
type SectionName = (typeof SECTIONS)[number][0];
type Arrays = Record<SectionName, Float32Array | Float64Array | Uint32Array>;

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

const padded = (n: number) => Math.ceil(n / 8) * 8;

export function encodeCheckpoint(s: TrainingState): Uint8Array {
  const arrays: Arrays = {
    theta: s.trainer.theta,
    stats: s.trainer.stats,
    m: s.trainer.m,
    v: s.trainer.v,
    rng: s.trainer.rng,
    bestValue: new Float64Array(s.best ? [s.best.value] : []),
    bestWeights: s.best ? flattenWeights(s.arch, s.best.weights) : new Float32Array(0),
  };
  const header: Header = {
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
    lengths: SECTIONS.map(([name]) => arrays[name].length),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = padded(json.length);
  let size = 8 + headerBytes;
  for (const [name] of SECTIONS) size += padded(arrays[name].byteLength);
  const out = new Uint8Array(size);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(4, headerBytes, true);
  out.fill(0x20, 8, 8 + headerBytes);
  out.set(json, 8);
  let offset = 8 + headerBytes;
  for (const [name] of SECTIONS) {
    const a = arrays[name];
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += padded(a.byteLength);
  }
  return out;
}

/** Reads a checkpoint, checking it is whole and made by a fit of this network, data and seed. */
export function decodeCheckpoint(bytes: Uint8Array, expected: CheckpointExpectation): TrainingState {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw new Error("nas: not a NAS checkpoint");
  const headerBytes = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerBytes)));
  } catch {
    throw new Error("nas: checkpoint header is unreadable");
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (version !== VERSION) throw new Error(`nas: checkpoint version ${String(version)} is not supported (expected ${VERSION})`);
  const parsed = Header.safeParse(json);
  if (!parsed.success) throw new Error(`nas: checkpoint header is invalid: ${z.prettifyError(parsed.error)}`);
  const header = parsed.data;

  if (header.seed !== expected.seed) throw new Error(`nas: checkpoint was made with seed ${header.seed}, this fit has seed ${expected.seed}`);
  if (header.rows !== expected.rows) throw new Error(`nas: checkpoint was made on ${header.rows} training rows, this fit has ${expected.rows}`);
  const difference = architectureDifference(header.architecture, expected.arch);
  if (difference) throw new Error(`nas: checkpoint does not match this network: ${difference}`);

  const arrays = {} as Arrays;
  let offset = 8 + headerBytes;
  SECTIONS.forEach(([name, kind], i) => {
    const Type = kind === "f32" ? Float32Array : kind === "f64" ? Float64Array : Uint32Array;
    const byteLength = header.lengths[i] * Type.BYTES_PER_ELEMENT;
    if (!(offset + byteLength <= bytes.length)) throw new Error("nas: checkpoint is truncated");
    // a copy: the input may sit at any offset of its buffer (a Node Buffer's slice is a view into a shared pool), and
    // the state must not alias the caller's bytes
    arrays[name] = new Type(new Uint8Array(bytes.subarray(offset, offset + byteLength)).buffer);
    offset += padded(byteLength);
  });

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
