const n = 43152, F = 9;
const codes = Array.from({ length: F }, (_, f) => { const c = new Uint8Array(n); for (let r = 0; r < n; r++) c[r] = Math.floor(Math.random() * (f < 3 ? 8 : 255)); return c; });
const grad = Float64Array.from({ length: n }, () => Math.random() - 0.5); const hess = new Float64Array(n).fill(1);
const idx = Uint32Array.from({ length: n }, (_, i) => i);
const a = new Float64Array(2 * 9 * 256), b = new Float64Array(2 * 9 * 256);
function idx4(c0: Uint8Array, c1: Uint8Array, c2: Uint8Array, c3: Uint8Array, o0: number, o1: number, o2: number, o3: number) {
  for (let i = 0; i + 1 < n; i += 2) {
    const r = idx[i], s = idx[i + 1];
    const gr = grad[r], hr = hess[r], gs = grad[s], hs = hess[s];
    let p = o0 + 2 * c0[r], q = o0 + 2 * c0[s]; a[p] += gr; a[p + 1] += hr; b[q] += gs; b[q + 1] += hs;
    p = o1 + 2 * c1[r]; q = o1 + 2 * c1[s]; a[p] += gr; a[p + 1] += hr; b[q] += gs; b[q + 1] += hs;
    p = o2 + 2 * c2[r]; q = o2 + 2 * c2[s]; a[p] += gr; a[p + 1] += hr; b[q] += gs; b[q + 1] += hs;
    p = o3 + 2 * c3[r]; q = o3 + 2 * c3[s]; a[p] += gr; a[p + 1] += hr; b[q] += gs; b[q + 1] += hs;
  }
}
function direct4(c0: Uint8Array, c1: Uint8Array, c2: Uint8Array, c3: Uint8Array, o0: number, o1: number, o2: number, o3: number) {
  for (let r = 0; r + 1 < n; r += 2) {
    const s = r + 1;
    const gr = grad[r], hr = hess[r], gs = grad[s], hs = hess[s];
    let p = o0 + 2 * c0[r], q = o0 + 2 * c0[s]; a[p] += gr; a[p + 1] += hr; b[q] += gs; b[q + 1] += hs;
    p = o1 + 2 * c1[r]; q = o1 + 2 * c1[s]; a[p] += gr; a[p + 1] += hr; b[q] += gs; b[q + 1] += hs;
    p = o2 + 2 * c2[r]; q = o2 + 2 * c2[s]; a[p] += gr; a[p + 1] += hr; b[q] += gs; b[q + 1] += hs;
    p = o3 + 2 * c3[r]; q = o3 + 2 * c3[s]; a[p] += gr; a[p + 1] += hr; b[q] += gs; b[q + 1] += hs;
  }
}
function gonly4(c0: Uint8Array, c1: Uint8Array, c2: Uint8Array, c3: Uint8Array, o0: number, o1: number, o2: number, o3: number) {
  for (let r = 0; r + 1 < n; r += 2) {
    const s = r + 1;
    const gr = grad[r], gs = grad[s];
    a[o0 + 2 * c0[r]] += gr; b[o0 + 2 * c0[s]] += gs;
    a[o1 + 2 * c1[r]] += gr; b[o1 + 2 * c1[s]] += gs;
    a[o2 + 2 * c2[r]] += gr; b[o2 + 2 * c2[s]] += gs;
    a[o3 + 2 * c3[r]] += gr; b[o3 + 2 * c3[s]] += gs;
  }
}
function dir8(fn: typeof idx4) {
  // 9 features: two quads + 1 extra via quad with repeat (approx)
  fn(codes[0], codes[1], codes[2], codes[3], 0, 512, 1024, 1536);
  fn(codes[4], codes[5], codes[6], codes[7], 2048, 2560, 3072, 3584);
}
for (const [name, fn] of [["idx", idx4], ["direct", direct4], ["gonly", gonly4], ["idx", idx4], ["direct", direct4], ["gonly", gonly4]] as const) {
  const t = performance.now();
  for (let k = 0; k < 300; k++) dir8(fn);
  console.log(name, (performance.now() - t).toFixed(0));
}
