import fs from "node:fs/promises";
import path from "node:path";
import { predictFromArchive } from "../export/predict";
import { required, type Options } from "./options";

/**
 * `predict`: predictions for a CSV from an archive folder (`train --out DIR` writes DIR/best). Warnings about the CSV
 * (unseen categories, values of the wrong type, empty columns) go to stderr; the predictions are written all the same.
 */
export async function predictCommand(values: Options): Promise<void> {
  const { csv, warnings } = await predictFromArchive(path.resolve(required(values, "model")), path.resolve(required(values, "csv")));
  for (const w of warnings) console.error(`warning: ${w.message}`);
  const out = path.resolve(required(values, "out"));
  await fs.writeFile(out, csv);
  console.log(`wrote ${out}`);
}
