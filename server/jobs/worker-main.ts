// A worker process, forked by the supervisor: `node --import tsx server/jobs/worker-main.ts`.
import { createContext } from "../context";
import { initBackend } from "../models/backend";
import { Worker } from "./worker";

const id = process.env.STUDIO_WORKER_ID ?? `worker-${process.pid}`;
const ctx = await createContext();
const backend = await initBackend(ctx.config.backend);
const worker = new Worker(ctx, id, backend, (msg) => console.log(`[${id}] ${msg}`));

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    worker.stop();
    // a trial in progress is abandoned: its job's heartbeat goes stale and the supervisor re-queues it
    setTimeout(() => process.exit(0), 100).unref();
  });
}
process.on("disconnect", () => process.exit(0));
await worker.runForever();
await ctx.close();
