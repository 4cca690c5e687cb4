import type { ModelFamily } from "./family";
import { mlpFamily } from "./tfjs-mlp";
import { nasFamily } from "./nas";
import { gbdtFamily } from "./gbdt";
import { linearFamily } from "./linear";
import { forestFamily } from "./forest";

/** Every model family the studio can search, by name. */
export const families: Record<string, ModelFamily> = {
  [mlpFamily.name]: mlpFamily,
  [nasFamily.name]: nasFamily,
  [gbdtFamily.name]: gbdtFamily,
  [linearFamily.name]: linearFamily,
  [forestFamily.name]: forestFamily,
};

export function getFamily(name: string): ModelFamily {
  const family = Object.hasOwn(families, name) ? families[name] : undefined;
  if (!family) {
    throw new Error(`unknown model family "${name}"; known families: ${Object.keys(families).join(", ")}`);
  }
  return family;
}
