/**
 * Platt scaling for binary classifiers: p' = sigmoid(a * logit(p) + b), fitted by Newton's method with a
 * backtracking line search on the log loss (Lin, Lin & Weng 2007, "A note on Platt's probabilistic outputs").
 * The 0/1 labels are replaced by Platt's smoothed targets (n+ + 1)/(n+ + 2) and 1/(n- + 2), so a separable or
 * small validation set cannot push the sigmoid to a step (a -> infinity). Two parameters and a monotone map:
 * it fixes over- or under-confidence without reordering the rows, and needs little data.
 */

export interface PlattParams {
  a: number;
  b: number;
}

/**
 * Where the input probabilities are clipped before the logit. Float32 cannot hold 1 - p below about 6e-8, so a
 * symmetric clip at 1e-7 keeps the two ends of the scale alike (logit within +-16.1).
 */
const LOGIT_CLIP = 1e-7;
const MAX_ITER = 100;
const MIN_STEP = 1e-10;
/** a tiny ridge on the Hessian so that it stays invertible (all scores equal, or one class only) */
const RIDGE = 1e-12;

function logitOf(p: number): number {
  const q = Math.min(Math.max(p, LOGIT_CLIP), 1 - LOGIT_CLIP);
  return Math.log(q / (1 - q));
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Fits (a, b) on the positive-class probabilities `p1` and the labels `y` (0 or 1), row for row. */
export function fitPlatt(p1: ArrayLike<number>, y: ArrayLike<number>): PlattParams {
  const n = p1.length;
  if (y.length !== n) throw new Error(`platt: ${n} probabilities but ${y.length} labels`);
  if (n === 0) throw new Error("platt: no rows to fit on");
  let nPos = 0;
  for (let i = 0; i < n; i++) if (y[i] === 1) nPos++;
  const hi = (nPos + 1) / (nPos + 2);
  const lo = 1 / (n - nPos + 2);
  const f = new Float64Array(n);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    f[i] = logitOf(p1[i]);
    t[i] = y[i] === 1 ? hi : lo;
  }
  // sum over rows of the cross-entropy against the smoothed targets, written to stay finite for any z
  const loss = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = a * f[i] + b;
      s += z >= 0 ? (1 - t[i]) * z + Math.log1p(Math.exp(-z)) : -t[i] * z + Math.log1p(Math.exp(z));
    }
    return s;
  };
  // start from the prior (a flat sigmoid), as Lin et al. do: always a point where the loss is finite
  let a = 0;
  let b = Math.log((nPos + 1) / (n - nPos + 1));
  let value = loss(a, b);
  for (let iter = 0; iter < MAX_ITER; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = RIDGE;
    let hab = 0;
    let hbb = RIDGE;
    for (let i = 0; i < n; i++) {
      const q = sigmoid(a * f[i] + b);
      const r = q - t[i];
      const w = q * (1 - q);
      ga += r * f[i];
      gb += r;
      haa += w * f[i] * f[i];
      hab += w * f[i];
      hbb += w;
    }
    if (Math.abs(ga) < 1e-5 && Math.abs(gb) < 1e-5) break;
    const det = haa * hbb - hab * hab;
    const da = -(hbb * ga - hab * gb) / det;
    const db = -(haa * gb - hab * ga) / det;
    const slope = ga * da + gb * db;
    let step = 1;
    while (step >= MIN_STEP) {
      const next = loss(a + step * da, b + step * db);
      if (next < value + 1e-4 * step * slope) {
        a += step * da;
        b += step * db;
        value = next;
        break;
      }
      step /= 2;
    }
    if (step < MIN_STEP) break; // no step lowers the loss: at the optimum up to rounding
  }
  return { a, b };
}

export function applyPlatt(params: PlattParams, p1: number): number {
  return sigmoid(params.a * logitOf(p1) + params.b);
}
