import type { RunnerState } from "./train-step";

/**
 * A paused MLP fit: everything the rest of its training depends on, so that resuming gives bit-for-bit what
 * uninterrupted training would have (a Hyperband rung promotes a trial and it continues from here).
 *
 * Binary layout, little-endian (the byte order of every platform Node runs on, so typed arrays are copied as is):
 *   "MLPC" | u32 header length | header: UTF-8 JSON, space-padded to a multiple of 8 | the arrays, in SECTIONS
 *   order, each padded to a multiple of 8 bytes. The header carries the scalars and each array's element count.
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

type Kind = "f32" | "f64" | "u32";
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
] as const satisfies readonly (readonly [string, Kind])[];
type SectionName = (typeof SECTIONS)[number][0];
type Arrays = Record<SectionName, Float32Array | Float64Array | Uint32Array>;

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

const padded = (n: number) => Math.ceil(n / 8) * 8;

export function encodeCheckpoint(s: TrainingState): Uint8Array {
  const arrays: Arrays = {
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
  const header: Header = {
    version: VERSION,
    seed: s.seed,
    epoch: s.epoch,
    t: s.t,
    finished: s.finished,
    monitorMetric: s.monitorMetric,
    badEpochs: s.badEpochs,
    bestEpoch: s.best?.epoch ?? null,
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
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw new Error("mlp: not an MLP checkpoint");
  const headerBytes = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerBytes))) as Header;
  } catch {
    throw new Error("mlp: checkpoint header is unreadable");
  }
  if (header.version !== VERSION) throw new Error(`mlp: checkpoint version ${header.version} is not supported (expected ${VERSION})`);
  if (!Array.isArray(header.lengths) || header.lengths.length !== SECTIONS.length) throw new Error("mlp: checkpoint header is unreadable");

  const arrays = {} as Arrays;
  let offset = 8 + headerBytes;
  SECTIONS.forEach(([name, kind], i) => {
    const Type = kind === "f32" ? Float32Array : kind === "f64" ? Float64Array : Uint32Array;
    const byteLength = header.lengths[i] * Type.BYTES_PER_ELEMENT;
    if (!(offset + byteLength <= bytes.length)) throw new Error("mlp: checkpoint is truncated");
    // a copy: the input may sit at any offset of its buffer (a Node Buffer's slice is a view into a shared pool), and
    // the state must not alias the caller's bytes
    arrays[name] = new Type(new Uint8Array(bytes.subarray(offset, offset + byteLength)).buffer);
    offset += padded(byteLength);
  });

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
