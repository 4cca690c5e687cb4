import { loadPredictor, type ArchivePredictor } from "../export/archive-predictor";

/**
 * Loaded predictors of deployed models, kept in memory so that a warm request reads no file and loads no model: a
 * least-recently-used cache bounded by count. A predictor leaves it (and is disposed: TensorFlow.js tensors, trees) when
 * the cache is full, when its model is undeployed, or when a request finds its deployment gone.
 *
 * A predictor in use is never disposed under its user: on a hit `use` calls back synchronously, before anything else
 * can run; while a predictor loads, its waiting users are counted and an eviction meanwhile disposes it after the last.
 * Concurrent first requests share one load; a failed load is forgotten, so the next request tries again.
 */
export const DEFAULT_PREDICTOR_CACHE_SIZE = 16;

type Loader = (dir: string) => Promise<ArchivePredictor>;

interface Entry {
  promise: Promise<ArchivePredictor>;
  /** set once loaded */
  predictor: ArchivePredictor | null;
  /** requests waiting for the load */
  users: number;
  evicted: boolean;
  disposed: boolean;
}

export class PredictorCache {
  private readonly entries = new Map<string, Entry>();
  /** how many loads started (a warm request starts none) */
  loads = 0;

  constructor(
    readonly capacity = DEFAULT_PREDICTOR_CACHE_SIZE,
    private readonly load: Loader = loadPredictor,
  ) {
    if (!(capacity >= 1)) throw new Error("a predictor cache holds at least one predictor");
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * Calls `use` with the key's predictor, loading it from the archive folder `dir()` gives on a miss. `use` must not
   * keep the predictor past its return (an evicted predictor is disposed).
   */
  async use<T>(key: string, dir: () => Promise<string>, use: (predictor: ArchivePredictor) => T): Promise<T> {
    const entry = this.touch(key) ?? this.start(key, dir);
    if (entry.predictor) return use(entry.predictor);
    entry.users++;
    try {
      return use(await entry.promise);
    } finally {
      entry.users--;
      this.release(entry);
    }
  }

  /** forgets the key's predictor (disposed now, or after the requests loading it) */
  evict(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.evicted = true;
    this.release(entry);
  }

  /** evicts every key but these (deployments deleted elsewhere: their run was deleted, or another process undeployed) */
  retain(keys: Iterable<string>): void {
    const keep = new Set(keys);
    for (const key of [...this.entries.keys()]) if (!keep.has(key)) this.evict(key);
  }

  clear(): void {
    this.retain([]);
  }

  /** the key's entry, now the most recently used */
  private touch(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  private start(key: string, dir: () => Promise<string>): Entry {
    this.loads++;
    const entry: Entry = { promise: null as unknown as Promise<ArchivePredictor>, predictor: null, users: 0, evicted: false, disposed: false };
    entry.promise = dir()
      .then((d) => this.load(d))
      .then(
        (predictor) => {
          entry.predictor = predictor;
          this.release(entry);
          return predictor;
        },
        (err: unknown) => {
          if (this.entries.get(key) === entry) this.entries.delete(key);
          throw err;
        },
      );
    // a load nobody waits for any more (evicted) must not report an unhandled rejection
    entry.promise.catch(() => {});
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.evict(this.entries.keys().next().value as string);
    return entry;
  }

  private release(entry: Entry): void {
    if (!entry.evicted || entry.users > 0 || !entry.predictor || entry.disposed) return;
    entry.disposed = true;
    entry.predictor.dispose();
  }
}

const GLOBAL_KEY = Symbol.for("automl-studio.predictor-cache");

/**
 * The process's cache. On globalThis, so that every route bundle of the Next.js server (each may hold its own copy of
 * this module) shares one: an undeploy must evict what the predict route loaded.
 */
export function predictorCache(): PredictorCache {
  const g = globalThis as { [GLOBAL_KEY]?: PredictorCache };
  g[GLOBAL_KEY] ??= new PredictorCache();
  return g[GLOBAL_KEY];
}
