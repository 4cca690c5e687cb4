import type { ModelFamily, Task } from "../models/family";
import type { Params, Suggest } from "../automl/space/suggest";
import { SelectionMethod, suggestSelection } from "../data/selection/select";
import { defaultPreprocessing, preprocessOptionsOf, suggestPreprocessing } from "../data/preprocess-space";
import type { PreprocessOptions } from "../data/preprocess";
import type { DataStages } from "./candidate-data";

/** the name under which a run of several families records the family a candidate chose */
export const FAMILY_KEY = "family";

/**
 * A candidate's search space: the model family's hyperparameters, then the data stages' choices (feature selection,
 * then imputation, encoding, scaling and class weighting), all in one define-by-run space so any strategy searches
 * them together. The family asks first and later stages after earlier ones, so adding a stage left the earlier
 * draws unchanged. A family that needs scaled inputs chooses its scaling among the scalings, without "none".
 *
 * With several families, the family itself is the first choice (FAMILY_KEY) and its hyperparameters are asked under
 * its name ("gbdt.learning_rate"): conditional on the choice, and never confused with another family's parameter of
 * the same name and another range. A run of one family asks its names bare, as runs always did.
 */
export function candidateSpace(families: readonly ModelFamily[], task: Task): (s: Suggest) => Params {
  return (s) => {
    const { family, params } = familyParams(s, families, task);
    const featureSelection = suggestSelection(s);
    return { ...params, feature_selection: featureSelection, ...suggestPreprocessing(s, task, { scaled: family.needsScaledInputs }) };
  };
}

/** the family the candidate chose (a run's only one, or its FAMILY_KEY choice) and that family's hyperparameters */
function familyParams(s: Suggest, families: readonly ModelFamily[], task: Task): { family: ModelFamily; params: Params } {
  if (families.length === 1) return { family: families[0], params: families[0].defineSpace(s, task) };
  const name = s.choice(FAMILY_KEY, families.map((f) => f.name));
  const family = families.find((f) => f.name === name)!;
  return { family, params: { [FAMILY_KEY]: name, ...prefixed(family.defineSpace(underName(s, name), task), name) } };
}

/** a Suggest that asks every hyperparameter under `family.` */
function underName(s: Suggest, family: string): Suggest {
  const n = (name: string) => `${family}.${name}`;
  return {
    int: (name, low, high, opts) => s.int(n(name), low, high, opts),
    float: (name, low, high, opts) => s.float(n(name), low, high, opts),
    choice: (name, choices) => s.choice(n(name), choices),
    bool: (name) => s.bool(n(name)),
    fixed: (name, value) => s.fixed(n(name), value),
  };
}

const prefixed = (params: Params, family: string): Params => Object.fromEntries(Object.entries(params).map(([k, v]) => [`${family}.${k}`, v]));

/**
 * How a search's opening orders the families: as the run lists them, or by their openingPriority. A run that spends
 * seconds (a wall-clock budget only) opens by priority, so boosted trees and forests have tried their defaults and
 * presets before the linear models and networks start, which on large data can take the rest of a short budget
 * (shuttle, 46,400 rows: the network's default took 45 s and the linear model's 36 s of a 60-second search). A run
 * that spends trials opens as listed, each family's default first, so even two trials try two families.
 */
export type OpeningOrder = "listed" | "priority";

/**
 * The first trials of every search, with every feature kept and the default preprocessing (as AutoGluon and H2O start
 * from known-good configurations): each family's default, then the families' portfolios, the first further
 * configuration of each family in turn, then the second, and so on. By "priority", the families of the highest
 * openingPriority do so first (in the run's order among themselves), then the next priority's the same way.
 */
export function defaultCandidates(families: readonly ModelFamily[], task: Task, order: OpeningOrder = "listed"): Params[] {
  const tiers = order === "listed" ? [families] : byPriority(families);
  const starts = tiers.flatMap((tier) => inTurn(tier, task));
  return starts.map(({ family, params }) => {
    const own = families.length === 1 ? params : { [FAMILY_KEY]: family.name, ...prefixed(params, family.name) };
    return { ...own, feature_selection: "none", ...defaultPreprocessing(task) };
  });
}

const openingPriority = (family: ModelFamily) => family.openingPriority ?? 0;

/** the families grouped by openingPriority, the highest first, each group in the run's order */
function byPriority(families: readonly ModelFamily[]): ModelFamily[][] {
  const priorities = [...new Set(families.map(openingPriority))].sort((a, b) => b - a);
  return priorities.map((priority) => families.filter((f) => openingPriority(f) === priority));
}

/** each family's default in order, then their portfolios' first configurations in turn, then their second, ... */
function inTurn(families: readonly ModelFamily[], task: Task): { family: ModelFamily; params: Params }[] {
  const portfolios = families.map((family) => family.portfolioParams?.(task) ?? []);
  const rounds = Math.max(0, ...portfolios.map((p) => p.length));
  const starts = families.map((family) => ({ family, params: family.defaultParams(task) }));
  for (let round = 0; round < rounds; round++) {
    families.forEach((family, k) => {
      if (round < portfolios[k].length) starts.push({ family, params: portfolios[k][round] });
    });
  }
  return starts;
}

/** The family a candidate's stored hyperparameters chose: its FAMILY_KEY in a run of several, else the run's one. */
export function chosenFamily(params: Params, runFamilies: readonly string[]): string {
  return typeof params[FAMILY_KEY] === "string" ? params[FAMILY_KEY] : runFamilies[0];
}

const DATA_STAGE_KEYS = ["feature_selection", "imputation", "encoding", "scaling", "class_weight"];

/** Splits a trial's stored hyperparameters into the data stages' and the family's (its own names, unprefixed). */
export function splitParams(params: Params): { stages: DataStages; classWeight: "none" | "balanced"; family: Params } {
  const chosen = typeof params[FAMILY_KEY] === "string" ? `${params[FAMILY_KEY]}.` : null;
  const family = chosen
    ? Object.fromEntries(Object.entries(params).flatMap(([k, v]) => (k.startsWith(chosen) ? [[k.slice(chosen.length), v]] : [])))
    : Object.fromEntries(Object.entries(params).filter(([k]) => !DATA_STAGE_KEYS.includes(k)));
  const preprocessing: PreprocessOptions = preprocessOptionsOf(params);
  return {
    // trials stored before these were searched kept every feature, with the default preprocessing
    stages: { featureSelection: SelectionMethod.parse(params.feature_selection ?? "none"), preprocessing },
    classWeight: params.class_weight === "balanced" ? "balanced" : "none",
    family,
  };
}
