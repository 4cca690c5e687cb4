import type { RunnerState } from "./train-step";
import { encodeContainer, readHeader, readSections, type Arrays, type Sections } from "../layers/checkpoint-codec";

/**
 * A paused MLP fit: everything the rest of its training depends on, so that resuming gives bit-for-bit what
 * uninterrupted training would have (a Hyperband rung promotes a trial and it continues from here).
 *
 * Stored in the container of layers/checkpoint-codec.ts with magic "MLPC" and the arrays in SECTIONS order; the
 * header carries the scalars and each array's element count.
 */
export interface TrainingState extends RunnerState {
  /** the fit's seed: the training-metric sample is drawn from it again on resume */
  seed: number;
  /** epochs trained so far, counting those of earlier checkpoints */
  epoch: number;
  /** the reason training ended for good (early stopping, max epochs, diverged); null while it can go on */
  finished: string | null;
  /** the Rng's state (rng.ts) */
  rng: Uint32Array;
  /** the row order, shuffled in place every epoch, so the next shuffle starts from it */
  order: Uint32Array;
  /** early stopping: whether the metric (rather than a loss) is watched; null before the first epoch decided it */
  monitorMetric: boolean | null;
  badEpochs: number;
  /** the best epoch so far and its weights; null in a fixed-epoch fit, which keeps no best */
  best: { value: number; epoch: number; theta: Float32Array; stats: Float32Array } | null;
}

/** What a checkpoint has to match to continue this fit. */
export interface CheckpointExpectation {
  seed: number;
  /** trainable parameters of the network */
  params: number;
  /** batch-norm moving statistics of the network (0 without batch norm) */
  stats: number;
  /** training rows */
  rows: number;
}

const MAGIC = "MLPC";
const VERSION = 1;

const SECTIONS = [
  ["theta", "f32"],
  ["m", "f32"],
  ["v", "f32"],
  ["stats", "f32"],
  ["rng", "u32"],
  ["order", "u32"],
  // float64: early stopping compares the JS number itself, and it may be NaN or infinite (no JSON for those)
  ["bestValue", "f64"],
  ["bestTheta", "f32"],
  ["bestStats", "f32"],
] as const satisfies Sections;
type SectionName = (typeof SECTIONS)[number][0];

interface Header {
  version: number;
  seed: number;
  epoch: number;
  t: number;
  finished: string | null;
  monitorMetric: boolean | null;
  badEpochs: number;
  bestEpoch: number | null;
  /** element count of each array, in SECTIONS order */
  lengths: number[];
}

export function encodeCheckpoint(s: TrainingState): Uint8Array {
  const arrays: Arrays<typeof SECTIONS> = {
    theta: s.theta,
    m: s.m,
    v: s.v,
    stats: s.stats,
    rng: s.rng,
    order: s.order,
    bestValue: new Float64Array(s.best ? [s.best.value] : []),
    bestTheta: s.best?.theta ?? new Float32Array(0),
    bestStats: s.best?.stats ?? new Float32Array(0),
  };
  const header: Omit<Header, "lengths"> = {
    version: VERSION,
    seed: s.seed,
    epoch: s.epoch,
    t: s.t,
    finished: s.finished,
    monitorMetric: s.monitorMetric,
    badEpochs: s.badEpochs,
    bestEpoch: s.best?.epoch ?? null,
  };
  return encodeContainer(MAGIC, header, SECTIONS, arrays);
}

/** Reads a checkpoint, checking it is whole and made by a fit of this network, data and seed. */
export function decodeCheckpoint(bytes: Uint8Array, expected: CheckpointExpectation): TrainingState {
  const { json, headerBytes } = readHeader(bytes, MAGIC, "mlp", "not an MLP checkpoint");
  const header = json as Header;
  if (header.version !== VERSION) throw new Error(`mlp: checkpoint version ${header.version} is not supported (expected ${VERSION})`);
  if (!Array.isArray(header.lengths) || header.lengths.length !== SECTIONS.length) throw new Error("mlp: checkpoint header is unreadable");

  const arrays = readSections(bytes, headerBytes, SECTIONS, header.lengths, "mlp");

  const f32 = (name: SectionName) => arrays[name] as Float32Array;
  const [theta, stats, order, rng] = [f32("theta"), f32("stats"), arrays.order as Uint32Array, arrays.rng as Uint32Array];
  const mismatch = (what: string) => new Error(`mlp: checkpoint does not match this network: ${what}`);
  if (theta.length !== expected.params) throw mismatch(`${theta.length} parameters, expected ${expected.params}`);
  if (stats.length !== expected.stats) throw mismatch(`${stats.length} batch-norm statistics, expected ${expected.stats}`);
  if (order.length !== expected.rows) throw new Error(`mlp: checkpoint was made on ${order.length} training rows, this fit has ${expected.rows}`);
  if (header.seed !== expected.seed) throw new Error(`mlp: checkpoint was made with seed ${header.seed}, this fit has seed ${expected.seed}`);
  const hasBest = header.bestEpoch !== null;
  const consistent =
    arrays.m.length === theta.length &&
    arrays.v.length === theta.length &&
    rng.length === 4 &&
    arrays.bestValue.length === (hasBest ? 1 : 0) &&
    arrays.bestTheta.length === (hasBest ? theta.length : 0) &&
    arrays.bestStats.length === (hasBest ? stats.length : 0);
  if (!consistent) throw new Error("mlp: checkpoint is inconsistent");

  return {
    seed: header.seed,
    epoch: header.epoch,
    finished: header.finished,
    theta,
    m: f32("m"),
    v: f32("v"),
    t: header.t,
    stats,
    rng,
    order,
    monitorMetric: header.monitorMetric,
    badEpochs: header.badEpochs,
    best: hasBest ? { value: arrays.bestValue[0], epoch: header.bestEpoch!, theta: f32("bestTheta"), stats: f32("bestStats") } : null,
  };
}
