import type { Matrix } from "../family";
import { eigenvalueBounds, gradientOf, linearScores } from "./linalg";
import type { LinearObjective } from "./objective";

/** The elastic-net penalty alpha * (l1Ratio * |w|_1 + (1 - l1Ratio) / 2 * |w|_2^2), on coefficients only. */
export interface Penalty {
  alpha: number;
  l1Ratio: number;
}

/** What one iteration did. */
export interface FistaStep {
  /** the weighted mean loss (unpenalised) at the new iterate */
  loss: number;
  /** the penalised objective at the new iterate */
  objective: number;
  /** |objective - the previous iterate's| / max(|objective|, |previous|): the convergence test's quantity */
  relativeChange: number;
  /** passes over the data the step size's backtracking added (0 once the step size has settled) */
  backtracks: number;
  /** whether the momentum was reset (adaptive restart) */
  restarted: boolean;
}

/**
 * Rounding allowance of the backtracking test, relative to the magnitudes it subtracts: the test compares two sums
 * over all rows, and near the optimum their difference is below their rounding error.
 */
const ROUNDING = 1e-12;
/** Backtracking gives up after this many passes in one iteration (only a loss that is not finite gets there). */
const MAX_BACKTRACKS = 60;

/**
 * Accelerated proximal gradient descent (FISTA, Beck & Teboulle 2009) on mean loss + elastic-net penalty, full
 * batch: one step() is one iteration.
 *
 * - The smooth part is the (weighted) mean loss; the whole penalty is handled by its proximal operator, exactly:
 *   w = soft_threshold(v, eta alpha l1Ratio) / (1 + eta alpha (1 - l1Ratio)) for a gradient step v with step eta,
 *   so an L1 penalty gives exact zeros. Intercepts are not penalised.
 * - The step size 1/L comes from backtracking (Beck & Teboulle's rule): L starts at a lower bound of the loss's
 *   Lipschitz constant (the loss's curvature bound times the largest diagonal entry of X^T W X / sum W) and grows,
 *   only when the sufficient-decrease test fails, to at least max(1.5 L, the curvature measured along the step),
 *   never past an upper bound (the same with the trace), which is a Lipschitz constant for sure. So the first
 *   iterations may take a few extra passes, and afterwards none.
 * - Momentum restarts (O'Donoghue & Candès 2015, gradient scheme) when the step points against it, which makes the
 *   convergence linear on strongly convex problems (any alpha > 0 with an L2 share).
 * - Scores are linear in the parameters, so the extrapolated point's scores are extrapolated from the two iterates'
 *   rather than recomputed: an iteration costs two passes over the data (X theta and X^T resid), plus one per
 *   backtrack.
 *
 * Everything is in float64 on preallocated typed arrays; the iterates depend only on the data and parameters.
 */
export class Fista {
  /** the current iterate (see linalg.ts for the layout) */
  readonly theta: Float64Array;
  /** its scores on the training rows, rows x outputs */
  get scores(): Float64Array {
    return this.zx;
  }
  /** the current estimate of the loss's Lipschitz constant (1 / step size) */
  lipschitz: number;
  /** the penalised objective at theta */
  objective: number;

  private readonly k: number;
  private readonly coefs: number;
  private readonly y: Float64Array;
  private readonly next: Float64Array;
  private readonly grad: Float64Array;
  private zx: Float64Array;
  private zNext: Float64Array;
  /** the extrapolated point's scores, overwritten by the residuals */
  private readonly zy: Float64Array;
  private readonly invWeight: number;
  /** a Lipschitz constant of the loss's gradient for sure (the curvature bound times the trace): L's ceiling */
  private readonly maxLipschitz: number;
  private t = 1;

  constructor(
    private readonly x: Matrix,
    private readonly target: Float64Array,
    private readonly weights: Float32Array | undefined,
    private readonly loss: LinearObjective,
    private readonly penalty: Penalty,
    /** where to start (a warm start, laid out as theta); absent: zero coefficients and the intercepts of the target's mean */
    start?: Float64Array,
  ) {
    const k = loss.outputs;
    const n = x.rows;
    this.k = k;
    this.coefs = k * x.cols;
    const size = this.coefs + k;
    this.theta = new Float64Array(size);
    this.y = new Float64Array(size);
    this.next = new Float64Array(size);
    this.grad = new Float64Array(size);
    let weightSum = n;
    if (weights) {
      weightSum = 0;
      for (let i = 0; i < n; i++) weightSum += weights[i];
    }
    this.invWeight = 1 / weightSum;
    if (start) {
      if (start.length !== size) throw new Error(`linear: a start of ${start.length} parameters for ${size}`);
      this.theta.set(start);
    } else {
      // zero coefficients and the intercepts of the target's mean (log-odds, log priors)
      this.theta.set(loss.baseScore(target, weights), this.coefs);
    }
    this.zx = new Float64Array(n * k);
    this.zNext = new Float64Array(n * k);
    this.zy = new Float64Array(n * k);
    linearScores(x, this.theta, k, this.zx);
    this.objective = loss.loss(this.zx, target, weights, this.invWeight);
    const bounds = eigenvalueBounds(x, weights, weightSum);
    this.lipschitz = loss.curvature * bounds.lower;
    this.maxLipschitz = loss.curvature * bounds.upper;
    this.y.set(this.theta);
    this.zy.set(this.zx);
  }

  /** One iteration: a proximal gradient step from the extrapolated point, then the next extrapolation. */
  step(): FistaStep {
    const { x, k, coefs, theta, y, next, grad, zy } = this;
    const size = theta.length;
    const fy = this.loss.gradient(zy, this.target, this.weights, this.invWeight, zy);
    gradientOf(x, zy, k, grad);

    let backtracks = 0;
    let fNext = NaN;
    for (;;) {
      const eta = 1 / this.lipschitz;
      this.proximalStep(eta);
      linearScores(x, next, k, this.zNext);
      fNext = this.loss.loss(this.zNext, this.target, this.weights, this.invWeight);
      let along = 0;
      let sq = 0;
      for (let i = 0; i < size; i++) {
        const d = next[i] - y[i];
        along += grad[i] * d;
        sq += d * d;
      }
      const excess = fNext - fy - along;
      const slack = ROUNDING * (Math.abs(fy) + Math.abs(fNext) + Math.abs(along));
      if (sq === 0 || (Number.isFinite(fNext) && excess <= (this.lipschitz / 2) * sq + slack)) break;
      // at the ceiling the test can only fail by rounding (the loss at its floor, where residuals cancel)
      if (this.lipschitz >= this.maxLipschitz || ++backtracks > MAX_BACKTRACKS) break;
      const measured = Number.isFinite(excess) ? (2 * excess) / sq : Infinity;
      this.lipschitz = Math.min(this.maxLipschitz, Math.max(1.5 * this.lipschitz, Number.isFinite(measured) ? 1.05 * measured : 4 * this.lipschitz));
    }

    // gradient-scheme restart: the step (next - y) and the momentum (next - theta) disagree
    let dot = 0;
    for (let i = 0; i < size; i++) dot += (y[i] - next[i]) * (next[i] - theta[i]);
    const restarted = dot > 0;
    if (restarted) this.t = 1;
    const tNext = (1 + Math.sqrt(1 + 4 * this.t * this.t)) / 2;
    const beta = (this.t - 1) / tNext;
    this.t = tNext;
    for (let i = 0; i < size; i++) y[i] = next[i] + beta * (next[i] - theta[i]);
    const zNext = this.zNext;
    const zx = this.zx;
    for (let i = 0; i < zy.length; i++) zy[i] = zNext[i] + beta * (zNext[i] - zx[i]);
    theta.set(next);
    this.zNext = zx;
    this.zx = zNext;

    const previous = this.objective;
    this.objective = fNext + penaltyOf(theta, coefs, this.penalty);
    const scale = Math.max(Math.abs(this.objective), Math.abs(previous));
    const relativeChange = scale > 0 ? Math.abs(this.objective - previous) / scale : 0;
    return { loss: fNext, objective: this.objective, relativeChange, backtracks, restarted };
  }

  /** next = prox(y - eta * grad): soft-thresholding and ridge shrinkage of the coefficients, a plain step for intercepts */
  private proximalStep(eta: number): void {
    const { y, next, grad, coefs } = this;
    const threshold = eta * this.penalty.alpha * this.penalty.l1Ratio;
    const shrink = 1 / (1 + eta * this.penalty.alpha * (1 - this.penalty.l1Ratio));
    for (let i = 0; i < coefs; i++) {
      const v = y[i] - eta * grad[i];
      next[i] = v > threshold ? (v - threshold) * shrink : v < -threshold ? (v + threshold) * shrink : 0;
    }
    for (let i = coefs; i < next.length; i++) next[i] = y[i] - eta * grad[i];
  }
}

/** The elastic-net penalty of theta's first `coefs` entries (the coefficients). */
export function penaltyOf(theta: Float64Array, coefs: number, p: Penalty): number {
  if (p.alpha === 0) return 0;
  let l1 = 0;
  let l2 = 0;
  for (let i = 0; i < coefs; i++) {
    l1 += Math.abs(theta[i]);
    l2 += theta[i] * theta[i];
  }
  return p.alpha * (p.l1Ratio * l1 + ((1 - p.l1Ratio) / 2) * l2);
}
