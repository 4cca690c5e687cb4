import fs from "node:fs/promises";
import path from "node:path";
import { predictFromArchive } from "../export/predict";
import { required, type Options } from "./options";

/** `predict`: predictions for a CSV from an archive folder (`train --out DIR` writes DIR/best). */
export async function predictCommand(values: Options): Promise<void> {
  const csv = await predictFromArchive(path.resolve(required(values, "model")), path.resolve(required(values, "csv")));
  const out = path.resolve(required(values, "out"));
  await fs.writeFile(out, csv);
  console.log(`wrote ${out}`);
}
