import type { Matrix } from "../../models/family";

/**
 * The coordinate-descent solver behind l1-linear.ts: standardised columns, and one output's L1-penalised fit (lasso
 * or logistic) with warm starts along a lambda path.
 */

/** standardised columns of the given rows, with statistics over those rows */
export interface Problem {
  n: number;
  p: number;
  cols: Float64Array[];
  mean: Float64Array;
  scale: Float64Array;
  /** false for a column constant over the rows: its coefficient stays 0 */
  usable: Uint8Array;
}

export function buildProblem(x: Matrix, rows: Int32Array): Problem {
  const n = rows.length;
  const p = x.cols;
  const cols: Float64Array[] = [];
  const mean = new Float64Array(p);
  const scale = new Float64Array(p).fill(1);
  const usable = new Uint8Array(p);
  for (let j = 0; j < p; j++) {
    const c = new Float64Array(n);
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i] = x.data[rows[i] * p + j];
    const m = n > 0 ? s / n : 0;
    let v = 0;
    for (let i = 0; i < n; i++) v += (c[i] - m) ** 2;
    const sd = n > 0 ? Math.sqrt(v / n) : 0;
    mean[j] = m;
    if (sd > 1e-12 * Math.max(1, Math.abs(m))) {
      scale[j] = sd;
      usable[j] = 1;
      for (let i = 0; i < n; i++) c[i] = (c[i] - m) / sd;
    } else c.fill(0);
    cols.push(c);
  }
  return { n, p, cols, mean, scale, usable };
}

const soft = (z: number, l: number) => (z > l ? z - l : z < -l ? z + l : 0);
export const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

/**
 * One output's coordinate-descent state. Coordinate descent runs over a working set (the features that have been
 * non-zero at this or an earlier lambda); once it converges, one pass over the other features checks the optimality
 * condition |gradient_j| <= lambda and adds those that break it, then descent resumes (glmnet's "ever-active" set).
 * The lasso runs plain coordinate descent on the residuals. Logistic regression runs proximal Newton steps: each
 * fixes the weights p(1-p) and solves the weighted, L1-penalised quadratic model of the log loss by coordinate descent
 * (no exp in the inner loop); the step is then halved until the penalised objective does not rise, so the solver
 * cannot diverge.
 */
export class Solver {
  readonly b: Float64Array;
  b0: number;
  readonly eta: Float64Array;
  /** lasso: residuals y - eta; logistic: working residuals (y - p) / w, kept in step within a Newton step */
  private readonly r: Float64Array;
  private readonly w: Float64Array;
  /** per feature: (1/n) sum w x^2 for the current weights (1 for the lasso; -1 while not yet computed) */
  private readonly xw: Float64Array;
  /** the working set, and membership flags */
  private readonly set: number[] = [];
  private readonly inSet: Uint8Array;

  constructor(
    private readonly prob: Problem,
    private readonly y: Float64Array,
    private readonly logistic: boolean,
  ) {
    const n = prob.n;
    this.b = new Float64Array(prob.p);
    this.inSet = new Uint8Array(prob.p);
    let ybar = 0;
    for (let i = 0; i < n; i++) ybar += y[i];
    ybar = n > 0 ? ybar / n : 0;
    this.eta = new Float64Array(n);
    this.r = new Float64Array(n);
    this.w = new Float64Array(n).fill(1);
    this.xw = new Float64Array(prob.p).fill(1);
    if (logistic) {
      const q = Math.min(Math.max(ybar, 1e-6), 1 - 1e-6);
      this.b0 = Math.log(q / (1 - q));
    } else this.b0 = ybar; // columns are centred: the lasso intercept is the mean, whatever b
    this.eta.fill(this.b0);
    if (!logistic) for (let i = 0; i < n; i++) this.r[i] = y[i] - ybar;
  }

  /** |gradient| of the smooth part at b = 0 for coordinate j (lambda_max is the largest over j) */
  gradAtZero(j: number): number {
    const { n, cols } = this.prob;
    const c = cols[j];
    let ybar = 0;
    for (let i = 0; i < n; i++) ybar += this.y[i];
    ybar /= n;
    let g = 0;
    for (let i = 0; i < n; i++) g += c[i] * (this.y[i] - ybar);
    return Math.abs(g / n);
  }

  private updateCoordinate(j: number, lambda: number): number {
    const { n, cols } = this.prob;
    const c = cols[j];
    const { r, w, eta } = this;
    const old = this.b[j];
    let g = 0;
    if (this.logistic) for (let i = 0; i < n; i++) g += w[i] * c[i] * r[i];
    else for (let i = 0; i < n; i++) g += c[i] * r[i];
    g /= n;
    if (old === 0 && Math.abs(g) <= lambda) return 0; // stays at 0, whatever the curvature
    let h = this.xw[j];
    if (h < 0) {
      // the weighted curvature, computed once per Newton step and only for the coordinates that move
      h = 0;
      for (let i = 0; i < n; i++) h += w[i] * c[i] * c[i];
      h = this.xw[j] = h / n;
    }
    if (h <= 0) return 0;
    const next = soft(g + h * old, lambda) / h;
    const d = next - old;
    if (d === 0) return 0;
    this.b[j] = next;
    for (let i = 0; i < n; i++) {
      eta[i] += d * c[i];
      r[i] -= d * c[i];
    }
    return Math.abs(d) * Math.sqrt(h);
  }

  private updateIntercept(): number {
    if (!this.logistic) return 0;
    const n = this.prob.n;
    let g = 0;
    let h = 0;
    for (let i = 0; i < n; i++) {
      g += this.w[i] * this.r[i];
      h += this.w[i];
    }
    if (h <= 0) return 0;
    const d = g / h;
    this.b0 += d;
    for (let i = 0; i < n; i++) {
      this.eta[i] += d;
      this.r[i] -= d;
    }
    return Math.abs(d) * Math.sqrt(h / n);
  }

  /** cyclic coordinate descent over the working set until a sweep changes less than tol */
  private descend(lambda: number, tol: number, maxSweeps: number): void {
    for (let sweep = 0; sweep < maxSweeps; sweep++) {
      let delta = this.updateIntercept();
      for (const j of this.set) delta = Math.max(delta, this.updateCoordinate(j, lambda));
      if (delta < tol) break;
    }
  }

  private objective(lambda: number): number {
    let loss = 0;
    const { n } = this.prob;
    for (let i = 0; i < n; i++) {
      const e = this.eta[i];
      loss += (e > 0 ? e + Math.log1p(Math.exp(-e)) : Math.log1p(Math.exp(e))) - this.y[i] * e;
    }
    let pen = 0;
    for (let j = 0; j < this.prob.p; j++) pen += Math.abs(this.b[j]);
    return loss / n + lambda * pen;
  }

  private setEta(): void {
    const { n, p, cols } = this.prob;
    this.eta.fill(this.b0);
    for (let j = 0; j < p; j++) {
      const bj = this.b[j];
      if (bj === 0) continue;
      const c = cols[j];
      for (let i = 0; i < n; i++) this.eta[i] += bj * c[i];
    }
  }

  /** logistic: weights and working residuals at the current scores */
  private reweight(): void {
    for (let i = 0; i < this.prob.n; i++) {
      const q = sigmoid(this.eta[i]);
      const wi = Math.max(q * (1 - q), 1e-5);
      this.w[i] = wi;
      this.r[i] = (this.y[i] - q) / wi;
    }
    this.xw.fill(-1); // stale: recomputed on demand for the new weights
  }

  /** proximal Newton over the working set, with step halving */
  private newton(lambda: number, tol: number, maxSweeps: number): void {
    const p = this.prob.p;
    for (let outer = 0; outer < 50; outer++) {
      this.reweight();
      const before = this.objective(lambda);
      const oldB = Float64Array.from(this.b);
      const oldB0 = this.b0;
      this.descend(lambda, tol, maxSweeps);
      let after = this.objective(lambda);
      for (let k = 0; k < 20 && after > before + 1e-12; k++) {
        for (let j = 0; j < p; j++) this.b[j] = oldB[j] + 0.5 * (this.b[j] - oldB[j]);
        this.b0 = oldB0 + 0.5 * (this.b0 - oldB0);
        this.setEta();
        after = this.objective(lambda);
      }
      let change = Math.abs(this.b0 - oldB0);
      for (let j = 0; j < p; j++) change = Math.max(change, Math.abs(this.b[j] - oldB[j]));
      if (change < tol || before - after < 1e-7 * Math.max(1, Math.abs(before))) break;
    }
  }

  /** adds to the working set the features outside it whose gradient breaks |g| <= lambda; returns how many */
  private addViolators(lambda: number): number {
    const { n, p, cols, usable } = this.prob;
    // the gradient of the smooth part, (1/n) sum x (y - p) or (1/n) sum x r, at the current point
    const resid = new Float64Array(n);
    for (let i = 0; i < n; i++) resid[i] = this.logistic ? this.y[i] - sigmoid(this.eta[i]) : this.r[i];
    let added = 0;
    for (let j = 0; j < p; j++) {
      if (!usable[j] || this.inSet[j]) continue;
      const c = cols[j];
      let g = 0;
      for (let i = 0; i < n; i++) g += c[i] * resid[i];
      if (Math.abs(g / n) > lambda) {
        this.inSet[j] = 1;
        this.set.push(j);
        added++;
      }
    }
    this.set.sort((a, b) => a - b);
    return added;
  }

  /** fits at lambda from the current (warm) state */
  solve(lambda: number, tol: number, maxSweeps: number): void {
    for (let round = 0; round <= this.prob.p; round++) {
      if (this.logistic) this.newton(lambda, tol, maxSweeps);
      else this.descend(lambda, tol, maxSweeps);
      if (this.addViolators(lambda) === 0) break;
    }
  }
}
