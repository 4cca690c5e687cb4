// micro: root histogram over diamonds-like data, idx identity vs direct
import { buildHistogram, newHistogram } from "./server/models/gbdt/histogram";
const n = 43152, F = 9;
const codes = Array.from({ length: F }, (_, f) => { const c = new Uint8Array(n); for (let r = 0; r < n; r++) c[r] = Math.floor(Math.random() * (f < 3 ? 8 : 255)); return c; });
const binStart = new Int32Array(F); const missingBin = new Int32Array(F);
let tot = 0; for (let f = 0; f < F; f++) { binStart[f] = tot; missingBin[f] = f < 3 ? 8 : 255; tot += missingBin[f] + 1; }
const data: any = { rows: n, codes, binStart, missingBin, totalBins: tot };
const idx = Uint32Array.from({ length: n }, (_, i) => i);
const grad = Float64Array.from({ length: n }, () => Math.random() - 0.5); const hess = new Float64Array(n).fill(1);
const features = Int32Array.from({ length: F }, (_, i) => i);
const hist = newHistogram(data), spare = newHistogram(data);
for (let rep = 0; rep < 3; rep++) {
  let t = performance.now();
  for (let k = 0; k < 300; k++) buildHistogram(hist, spare, data, features, idx, 0, n, grad, hess);
  console.log("root x300 ms", (performance.now() - t).toFixed(0));
}
