import { expect, it } from "vitest";
import { FAMILY_NAMES } from "../contracts/run";
import { families, getFamily } from "./registry";

it("registers exactly the families a run can choose, and names the known ones when asked for another", () => {
  expect(Object.keys(families).sort()).toEqual([...FAMILY_NAMES].sort());
  expect(() => getFamily("xgboost")).toThrow('unknown model family "xgboost"; known families: mlp, nas, gbdt, linear, forest');
});
