// The studio's command line: `npm run automl -- <train|predict|export> ...`. Same pipeline as the studio.
import { parseArgs } from "node:util";
import { trainCommand } from "./train";
import { predictCommand } from "./predict";
import { exportCommand } from "./export";

const USAGE = `usage:
  npm run automl -- train --csv data.csv --label y [--metric auc] [--budget-s 60] [--max-trials N] [--seed 0] [--workers N]
      [--strategy random|grid|coarse_to_fine|tpe|gp|evolution|rl] [--scheduler none|hyperband|asha] [--family mlp|nas|gbdt|linear|forest[,...]] [--estimation full|curve|low|inherit] [--validation auto|holdout|cv] [--final-model bag|refit] [--group-column NAME | --time-column NAME]
      [--test-fraction 0.2 (0: hold out no test split, e.g. when you keep your own test set)]
      [--max-archive-mb MB] [--max-latency-ms MS (per 1,000 rows)] [--max-train-seconds S] --out DIR
  npm run automl -- predict --model DIR/best --csv new.csv --out preds.csv
  npm run automl -- export --run DIR --candidate ID --out DIR2`;

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    csv: { type: "string" },
    label: { type: "string" },
    metric: { type: "string" },
    "problem-type": { type: "string" },
    "budget-s": { type: "string" },
    "max-trials": { type: "string" },
    seed: { type: "string" },
    workers: { type: "string" },
    validation: { type: "string" },
    "final-model": { type: "string" },
    strategy: { type: "string" },
    scheduler: { type: "string" },
    family: { type: "string" },
    estimation: { type: "string" },
    "group-column": { type: "string" },
    "time-column": { type: "string" },
    "test-fraction": { type: "string" },
    "max-archive-mb": { type: "string" },
    "max-latency-ms": { type: "string" },
    "max-train-seconds": { type: "string" },
    out: { type: "string" },
    model: { type: "string" },
    run: { type: "string" },
    candidate: { type: "string" },
  },
  strict: true,
});

try {
  switch (command) {
    case "train":
      await trainCommand(values);
      break;
    case "predict":
      await predictCommand(values);
      break;
    case "export":
      await exportCommand(values);
      break;
    default:
      console.error(USAGE);
      process.exit(2);
  }
  process.exit(0);
} catch (err) {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
