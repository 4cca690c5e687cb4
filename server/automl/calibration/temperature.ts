/**
 * Temperature scaling for multiclass classifiers (Guo et al. 2017): one scalar T > 0 divides the
 * log-probabilities and a softmax re-normalises them. T > 1 softens an over-confident model, T < 1 sharpens an
 * under-confident one; the argmax never changes, so accuracy is kept. T is fitted by minimising the log loss with
 * a golden-section search on log T: the loss is convex in 1/T, hence unimodal in log T.
 */

const LOG_T_MIN = Math.log(0.05);
const LOG_T_MAX = Math.log(20);
/** the search stops when the bracket on log T is this narrow (T known to 0.01%) */
const TOLERANCE = 1e-4;
/** the floor under a probability before its log, so that a zero stays finite */
const PROB_FLOOR = 1e-15;
const INV_PHI = (Math.sqrt(5) - 1) / 2;

/** Fits T on row-major probabilities `probs` (rows x k) and the class codes `y`. */
export function fitTemperature(probs: Float32Array, k: number, y: ArrayLike<number>): number {
  const n = y.length;
  if (n === 0) throw new Error("temperature: no rows to fit on");
  if (probs.length !== n * k) throw new Error(`temperature: expected ${n * k} probabilities (${n} rows x ${k}), got ${probs.length}`);
  const logp = logProbabilities(probs);
  const loss = (logT: number) => {
    const inv = Math.exp(-logT);
    let s = 0;
    for (let i = 0; i < n; i++) s += logSumExp(logp, i * k, k, inv) - logp[i * k + y[i]] * inv;
    return s;
  };
  let lo = LOG_T_MIN;
  let hi = LOG_T_MAX;
  let x1 = hi - INV_PHI * (hi - lo);
  let x2 = lo + INV_PHI * (hi - lo);
  let f1 = loss(x1);
  let f2 = loss(x2);
  while (hi - lo > TOLERANCE) {
    if (f1 <= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - INV_PHI * (hi - lo);
      f1 = loss(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + INV_PHI * (hi - lo);
      f2 = loss(x2);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** softmax(log p / t) of each row, as new row-major probabilities */
export function applyTemperature(t: number, probs: Float32Array, k: number): Float32Array {
  const logp = logProbabilities(probs);
  const out = new Float32Array(probs.length);
  const inv = 1 / t;
  for (let start = 0; start < probs.length; start += k) {
    const lse = logSumExp(logp, start, k, inv);
    for (let c = 0; c < k; c++) out[start + c] = Math.exp(logp[start + c] * inv - lse);
  }
  return out;
}

function logProbabilities(probs: Float32Array): Float64Array {
  return Float64Array.from(probs, (p) => Math.log(Math.max(p, PROB_FLOOR)));
}

/** log sum_c exp(logp[start + c] * scale), shifted by the row's maximum so that it cannot overflow */
function logSumExp(logp: Float64Array, start: number, k: number, scale: number): number {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, logp[start + c] * scale);
  let s = 0;
  for (let c = 0; c < k; c++) s += Math.exp(logp[start + c] * scale - max);
  return max + Math.log(s);
}
