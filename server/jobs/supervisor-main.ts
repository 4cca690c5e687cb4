// The job supervisor process started by `npm start`: coordinator + worker processes.
import { createContext } from "../context";
import { Supervisor } from "./supervisor";

const ctx = await createContext();
const supervisor = new Supervisor(ctx);
supervisor.start();
console.log(`[supervisor] ${ctx.config.workers} workers, ${ctx.config.workerMemoryMb} MB each, data in ${ctx.config.dataDir}`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, async () => {
    await supervisor.stop();
    await ctx.close();
    process.exit(0);
  });
}
