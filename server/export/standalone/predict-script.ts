/**
 * The archive's predict.mjs (bundled by build-predict-script.ts): predictions for a CSV from the archive folder the
 * script sits in, with Node alone — no studio, no TensorFlow.js. It reads the models' portable.json and runs the
 * studio's own CSV parsing, preprocessing, calibration and ensemble code, so its predictions are the studio's.
 *
 *   node predict.mjs input.csv [output.csv]
 */
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PortableModel, predictPortable } from "../portable/portable-model";
import { loadArchivePredictor, type ModelLoader } from "../predictor-core";
import { predictionsCsv } from "../predictions-csv";

const portableModel: ModelLoader = async (files, _family, task) => {
  const model = PortableModel.parse(JSON.parse(await fs.readFile(files.portable, "utf8")));
  return { predict: (x) => predictPortable(model, x, task), dispose: () => {} };
};

async function main(args: string[]): Promise<void> {
  const [input, output] = args;
  if (!input || input === "--help") {
    console.error("usage: node predict.mjs input.csv [output.csv]   (predictions to output.csv, or to stdout)");
    process.exitCode = input ? 0 : 2;
    return;
  }
  const archiveDir = path.dirname(fileURLToPath(import.meta.url));
  const predictor = await loadArchivePredictor(archiveDir, portableModel);
  const { csv, warnings } = await predictionsCsv(predictor, input);
  for (const w of warnings) console.error(`warning: ${w.message}`);
  if (output) await fs.writeFile(output, csv);
  else process.stdout.write(csv);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
