import { encodeContainer, readHeader, readSections, type Arrays, type Sections } from "../layers/checkpoint-codec";
import type { EarlyStoppingState, Watched } from "../shared/early-stopping";
import { Tree } from "./tree";

/**
 * A paused boosting fit (FitContext.pauseAt/resume): what the rest of its training depends on and cannot be rebuilt
 * from the data and the seed. Every tree grown so far (the raw scores of the training and validation rows, and the
 * gradients, are replayed from them: fit.ts), the sampling rng's state and the column sampler's order, and early
 * stopping's state. The bin edges, the training-metric sample and the objective come from the data and the seed again.
 *
 * Stored in the container of layers/checkpoint-codec.ts with magic "GBDC": the trees' node arrays end to end, one
 * section per array, and the scalars in the header.
 */
export interface BoostingState {
  /** the fit's seed */
  seed: number;
  /** the hyperparameters as fit parsed them (JSON): a resume must be of the same ones */
  params: string;
  /** rounds trained so far, counting those of earlier checkpoints */
  round: number;
  /** the reason training ended for good (early stopping, max epochs, diverged); null while it can go on */
  finished: string | null;
  /** every tree grown, round after round (one per output in each) */
  trees: readonly Tree[];
  /** the sampling rng's state (automl/rng.ts) */
  rng: Uint32Array;
  /** the column sampler's order (sampling.ts: FeatureSampler.order) */
  columnOrder: Int32Array;
  stopping: EarlyStoppingState;
}

/** What a checkpoint has to match to continue this fit. */
export interface CheckpointExpectation {
  seed: number;
  params: string;
  /** training rows */
  rows: number;
  /** matrix columns */
  features: number;
  /** trees per round */
  outputs: number;
}

const MAGIC = "GBDC";
const VERSION = 1;

const SECTIONS = [
  ["rng", "u32"],
  ["columnOrder", "u32"],
  // float64: the JS number itself, which may be NaN (no JSON for it)
  ["bestValue", "f64"],
  /** per tree, its node count */
  ["nodes", "u32"],
  /** int32 feature indices (-1 at leaves), as their bits */
  ["feature", "u32"],
  ["threshold", "f64"],
  ["missingLeft", "u32"],
  ["left", "u32"],
  ["right", "u32"],
  ["value", "f64"],
  /** per node, the words of its categorical split's bitset (0: none) */
  ["catWords", "u32"],
  ["catBits", "u32"],
] as const satisfies Sections;

interface Header {
  version: number;
  seed: number;
  params: string;
  round: number;
  finished: string | null;
  rows: number;
  features: number;
  outputs: number;
  bestRound: number;
  watch: Watched;
  /** element count of each array, in SECTIONS order */
  lengths: number[];
}

export function encodeCheckpoint(s: BoostingState, fit: Omit<CheckpointExpectation, "seed" | "params">): Uint8Array {
  let nodes = 0;
  let words = 0;
  for (const t of s.trees) {
    nodes += t.nodes;
    words += t.catBits?.length ?? 0;
  }
  const feature = new Int32Array(nodes);
  const threshold = new Float64Array(nodes);
  const missingLeft = new Uint32Array(nodes);
  const left = new Uint32Array(nodes);
  const right = new Uint32Array(nodes);
  const value = new Float64Array(nodes);
  const catWords = new Uint32Array(nodes);
  const catBits = new Uint32Array(words);
  let at = 0;
  let w = 0;
  for (const t of s.trees) {
    feature.set(t.feature, at);
    threshold.set(t.threshold, at);
    missingLeft.set(t.missingLeft, at);
    left.set(t.left, at);
    right.set(t.right, at);
    value.set(t.value, at);
    if (t.catStart && t.catBits) {
      for (let i = 0; i < t.nodes; i++) catWords[at + i] = t.catStart[i + 1] - t.catStart[i];
      catBits.set(t.catBits, w);
      w += t.catBits.length;
    }
    at += t.nodes;
  }
  const arrays: Arrays<typeof SECTIONS> = {
    rng: s.rng,
    columnOrder: Uint32Array.from(s.columnOrder),
    bestValue: Float64Array.of(s.stopping.bestValue),
    nodes: Uint32Array.from(s.trees, (t) => t.nodes),
    feature: new Uint32Array(feature.buffer),
    threshold,
    missingLeft,
    left,
    right,
    value,
    catWords,
    catBits,
  };
  const header: Omit<Header, "lengths"> = {
    version: VERSION,
    seed: s.seed,
    params: s.params,
    round: s.round,
    finished: s.finished,
    ...fit,
    bestRound: s.stopping.bestRound,
    watch: s.stopping.watch,
  };
  return encodeContainer(MAGIC, header, SECTIONS, arrays);
}

/** Reads a checkpoint, checking it is whole and made by a fit of these hyperparameters, data and seed. */
export function decodeCheckpoint(bytes: Uint8Array, expected: CheckpointExpectation): BoostingState {
  const { json, headerBytes } = readHeader(bytes, MAGIC, "gbdt", "not a gbdt checkpoint");
  const header = json as Header;
  if (header.version !== VERSION) throw new Error(`gbdt: checkpoint version ${header.version} is not supported (expected ${VERSION})`);
  if (!Array.isArray(header.lengths) || header.lengths.length !== SECTIONS.length) throw new Error("gbdt: checkpoint header is unreadable");
  if (header.seed !== expected.seed) throw new Error(`gbdt: checkpoint was made with seed ${header.seed}, this fit has seed ${expected.seed}`);
  if (header.params !== expected.params) throw new Error("gbdt: checkpoint was made with other hyperparameters");
  if (header.rows !== expected.rows || header.features !== expected.features || header.outputs !== expected.outputs) {
    throw new Error(
      `gbdt: checkpoint was made on ${header.rows} training rows x ${header.features} columns with ${header.outputs} outputs, ` +
        `this fit has ${expected.rows} x ${expected.features} with ${expected.outputs}`,
    );
  }

  const a = readSections(bytes, headerBytes, SECTIONS, header.lengths, "gbdt");
  const u32 = (name: (typeof SECTIONS)[number][0]) => a[name] as Uint32Array;
  const f64 = (name: (typeof SECTIONS)[number][0]) => a[name] as Float64Array;
  const counts = u32("nodes");
  const total = counts.reduce((n, c) => n + c, 0);
  const perNode = ["feature", "threshold", "missingLeft", "left", "right", "value", "catWords"] as const;
  const consistent =
    u32("rng").length === 4 &&
    f64("bestValue").length === 1 &&
    counts.length === header.round * header.outputs &&
    perNode.every((name) => a[name].length === total) &&
    u32("catWords").reduce((n, c) => n + c, 0) === u32("catBits").length;
  if (!consistent) throw new Error("gbdt: checkpoint is inconsistent");

  const feature = new Int32Array(u32("feature").buffer);
  const catWords = u32("catWords");
  const catBits = u32("catBits");
  const trees: Tree[] = [];
  let at = 0;
  let w = 0;
  for (const n of counts) {
    let words = 0;
    for (let i = at; i < at + n; i++) words += catWords[i];
    let cat: { catStart: Int32Array; catBits: Uint32Array } | undefined;
    if (words > 0) {
      const catStart = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) catStart[i + 1] = catStart[i] + catWords[at + i];
      cat = { catStart, catBits: catBits.slice(w, w + words) };
      w += words;
    }
    trees.push(
      new Tree(
        {
          feature: feature.slice(at, at + n),
          threshold: f64("threshold").slice(at, at + n),
          missingLeft: Uint8Array.from(u32("missingLeft").subarray(at, at + n)),
          left: Int32Array.from(u32("left").subarray(at, at + n)),
          right: Int32Array.from(u32("right").subarray(at, at + n)),
          value: f64("value").slice(at, at + n),
          ...cat,
        },
        expected.features,
      ),
    );
    at += n;
  }
  return {
    seed: header.seed,
    params: header.params,
    round: header.round,
    finished: header.finished,
    trees,
    rng: u32("rng"),
    columnOrder: Int32Array.from(u32("columnOrder")),
    stopping: { bestRound: header.bestRound, bestValue: f64("bestValue")[0], watch: header.watch },
  };
}
