import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(".") } },
  test: {
    include: ["server/**/*.test.ts", "scripts/**/*.test.ts", "bench/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // files run one at a time: the training tests spawn worker processes of their own and have wall-clock
    // budgets, so running them side by side on a small machine would make their results depend on load
    fileParallelism: false,
  },
});
