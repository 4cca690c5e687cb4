import { describe, expect, it } from "vitest";
import { BinEdges, type BinnedMatrix } from "./bins";
import { TreeGrower, type GrowthRules } from "./grow";
import { buildHistogram, buildRootGradients, histogramTotals, newHistogram, subtractHistogram } from "./histogram";
import { findBestSplit, leafValue, Split, type SplitRules } from "./split";
import { dataset } from "../shared/test-data";

const rules: SplitRules = { lambda: 1, minChildWeight: 1, minSplitGain: 0 };

/** binned rows of a regression problem, with squared-error gradients at 0 (so -y) and unit hessians */
function problem(rows = 3000, seed = 5) {
  const d = dataset(rows, 5, seed, (x, rng) => {
    if (rng.float() < 0.1) x[4] = NaN;
    return 3 * x[0] + Math.sin(3 * x[1]) + (x[2] > 0.5 ? 2 : 0) + 0.2 * rng.normal();
  });
  const edges = BinEdges.fit(d.x, 64, 1);
  const binned = edges.bin(d.x);
  const grad = Float64Array.from(d.y, (y) => -y);
  const hess = new Float64Array(rows).fill(1);
  return { d, edges, binned, grad, hess };
}

/** a histogram summed row by row, one feature at a time: the reference */
function naiveHistogram(b: BinnedMatrix, rows: ArrayLike<number>, grad: Float64Array, hess: Float64Array): Float64Array {
  const h = newHistogram(b);
  for (let f = 0; f < b.codes.length; f++) {
    for (let i = 0; i < rows.length; i++) {
      const bin = 2 * (b.binStart[f] + b.codes[f][rows[i]]);
      h[bin] += grad[rows[i]];
      h[bin + 1] += hess[rows[i]];
    }
  }
  return h;
}

const allFeatures = (b: BinnedMatrix) => Int32Array.from(b.codes, (_, f) => f);

describe("histograms", () => {
  it("equal a row-by-row sum, on nodes with more rows than bins and with fewer", () => {
    const { binned, grad, hess } = problem();
    const features = allFeatures(binned);
    for (const count of [3000, 41, 2]) {
      const rows = Uint32Array.from({ length: count }, (_, i) => (i * 7) % 3000).sort();
      const hist = newHistogram(binned);
      buildHistogram(hist, newHistogram(binned), binned, features, rows, 0, count, grad, hess);
      const ref = naiveHistogram(binned, rows, grad, hess);
      for (let i = 0; i < ref.length; i++) expect(hist[i]).toBeCloseTo(ref[i], 9);
      expect(histogramTotals(hist, binned, 0).hess).toBe(count);
    }
  });

  it("over every row with known hessian sums equal a build of gradients and hessians, to the bit with unit hessians", () => {
    const { binned, grad, hess } = problem(3001);
    const all = Uint32Array.from({ length: 3001 }, (_, i) => i);
    // an odd feature count: a pass of four and one alone
    for (const features of [allFeatures(binned), Int32Array.of(0, 2, 4)]) {
      const full = newHistogram(binned);
      buildHistogram(full, newHistogram(binned), binned, features, all, 0, 3001, grad, hess);
      const known = newHistogram(binned);
      buildHistogram(known, newHistogram(binned), binned, allFeatures(binned), all, 0, 3001, new Float64Array(3001), hess);
      const hist = newHistogram(binned);
      buildRootGradients(hist, newHistogram(binned), binned, features, grad, known);
      expect(hist).toEqual(full);
    }
  });

  it("by subtraction give the sibling the same histogram and the same best split as building it directly", () => {
    const { binned, grad, hess } = problem();
    const features = allFeatures(binned);
    const all = Uint32Array.from({ length: 3000 }, (_, i) => i);
    const parent = newHistogram(binned);
    const spare = newHistogram(binned);
    buildHistogram(parent, spare, binned, features, all, 0, 3000, grad, hess);
    const root = new Split();
    expect(findBestSplit(parent, binned, features, histogramTotals(parent, binned, 0).grad, 3000, rules, root)).toBe(true);

    // the root's split, applied by hand
    const left = all.filter((r) => {
      const c = binned.codes[root.feature][r];
      return c === binned.missingBin[root.feature] ? root.missingLeft : c <= root.bin;
    });
    const inLeft = new Set(left);
    const right = all.filter((r) => !inLeft.has(r));
    const leftHist = newHistogram(binned);
    buildHistogram(leftHist, spare, binned, features, left, 0, left.length, grad, hess);
    const rightDirect = newHistogram(binned);
    buildHistogram(rightDirect, spare, binned, features, right, 0, right.length, grad, hess);
    subtractHistogram(parent, leftHist, binned, features); // parent is now the right child's
    for (let i = 0; i < parent.length; i++) expect(parent[i]).toBeCloseTo(rightDirect[i], 9);

    const G = histogramTotals(rightDirect, binned, 0).grad;
    const a = new Split();
    const b = new Split();
    const okA = findBestSplit(parent, binned, features, G, right.length, rules, a);
    const okB = findBestSplit(rightDirect, binned, features, G, right.length, rules, b);
    expect(okA).toBe(true);
    expect([okB, b.feature, b.bin, b.missingLeft]).toEqual([okA, a.feature, a.bin, a.missingLeft]);
    expect(b.gain).toBeCloseTo(a.gain, 6);
  });
});

describe("tree growth", () => {
  const base: GrowthRules = { ...rules, policy: "depthwise", maxDepth: 3, maxLeaves: 31, learningRate: 1 };
  const grow = (r: Partial<GrowthRules>, rows = 3000) => {
    const { binned, edges, grad, hess } = problem(rows);
    const grower = new TreeGrower(binned, edges, { ...base, ...r });
    const all = Uint32Array.from({ length: rows }, (_, i) => i);
    return grower.grow(all, rows, grad, hess, binned.splittable);
  };

  it("depth-wise, never goes deeper than max_depth, and fills it where the data allows", () => {
    for (const maxDepth of [1, 3, 6]) {
      const tree = grow({ maxDepth });
      expect(tree.depth()).toBe(maxDepth);
      expect(tree.leaves()).toBeLessThanOrEqual(2 ** maxDepth);
    }
    expect(grow({ maxDepth: 3 }).leaves()).toBe(8); // 3000 rows of a smooth target: every node splits
  });

  it("leaf-wise, stops at max_leaves, within an optional depth limit", () => {
    for (const maxLeaves of [2, 8, 31]) expect(grow({ policy: "leafwise", maxLeaves, maxDepth: Infinity }).leaves()).toBe(maxLeaves);
    const limited = grow({ policy: "leafwise", maxLeaves: 31, maxDepth: 2 });
    expect(limited.depth()).toBe(2);
    expect(limited.leaves()).toBe(4);
    // best-first growth goes deeper than a balanced tree of the same size would
    expect(grow({ policy: "leafwise", maxLeaves: 16, maxDepth: Infinity }).depth()).toBeGreaterThan(4);
  });

  it("puts leaf values at the Newton step of their rows, times the learning rate", () => {
    const { d, binned, edges, grad, hess } = problem(500);
    const grower = new TreeGrower(binned, edges, { ...base, maxDepth: 2, learningRate: 0.5 });
    const tree = grower.grow(Uint32Array.from({ length: 500 }, (_, i) => i), 500, grad, hess, binned.splittable);
    const sums = new Map<number, { g: number; n: number }>();
    for (let r = 0; r < 500; r++) {
      const leaf = tree.leafOf(d.x.data, r * d.x.cols);
      const s = sums.get(leaf) ?? { g: 0, n: 0 };
      s.g += grad[r];
      s.n++;
      sums.set(leaf, s);
    }
    expect(sums.size).toBe(4);
    for (const [leaf, s] of sums) expect(tree.value[leaf]).toBeCloseTo((0.5 * -s.g) / (s.n + rules.lambda), 9);
    // the row ranges give the same values as walking the tree
    const out = new Float64Array(500);
    grower.addLeafValues(tree, out, null, 1, 0);
    for (let r = 0; r < 500; r++) expect(out[r]).toBe(tree.value[tree.leafOf(d.x.data, r * d.x.cols)]);
  });

  it("with fixed hessians, grows the trees it grows without that knowledge, round after round", () => {
    const { binned, edges, grad, hess } = problem();
    const all = Uint32Array.from({ length: 3000 }, (_, i) => i);
    const weights = Float64Array.from(all, (i) => 0.5 + (i % 5) / 4);
    for (const h of [hess, weights]) {
      const plain = new TreeGrower(binned, edges, { ...base, maxDepth: 4, learningRate: 0.3 });
      const fixed = new TreeGrower(binned, edges, { ...base, maxDepth: 4, learningRate: 0.3 }, true);
      const g = grad.slice();
      for (let round = 0; round < 3; round++) {
        const a = plain.grow(all, 3000, g, h, binned.splittable);
        const b = fixed.grow(all, 3000, g, h, binned.splittable);
        expect(b.feature).toEqual(a.feature);
        expect(b.threshold).toEqual(a.threshold);
        for (let i = 0; i < a.nodes; i++) expect(b.value[i]).toBeCloseTo(a.value[i], 12);
        // the next round's squared-error gradients: the tree's predictions move them, the hessians stay
        plain.addLeafValues(a, g, null, 1, 0);
      }
    }
  });

  it("grows a single leaf when no split clears min_split_gain", () => {
    const tree = grow({ minSplitGain: 1e12 });
    expect(tree.nodes).toBe(1);
  });

  it("grows a single leaf on a root too light to split, valued from the sums a whole histogram gives", () => {
    const { binned, edges, grad } = problem(3001);
    const all = Uint32Array.from({ length: 3001 }, (_, i) => i);
    for (const total of [0.3, 1.999]) {
      // hessian below 2 * min_child_weight: findBestSplit refuses the root, so the grower builds no full histogram
      const hess = Float64Array.from(all, (i) => (total / 3001) * (1 + (i % 7) / 10) / 1.3);
      const tree = new TreeGrower(binned, edges, { ...base, learningRate: 0.5 }).grow(all, 3001, grad, hess, binned.splittable);
      const full = newHistogram(binned);
      buildHistogram(full, newHistogram(binned), binned, binned.splittable, all, 0, 3001, grad, hess);
      const sums = histogramTotals(full, binned, binned.splittable[0]);
      expect(sums.hess).toBeLessThan(2 * rules.minChildWeight);
      expect(tree.nodes).toBe(1);
      expect(tree.value[0]).toBe(0.5 * leafValue(sums.grad, sums.hess, rules.lambda));
    }
  });
});
