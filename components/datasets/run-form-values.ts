import type { Metric } from "@/server/contracts/dataset";
import type { DatasetDetailDto } from "@/server/contracts/dataset-api";
import { DEFAULT_FAMILIES, DEFAULT_STRATEGY, EstimationName, FamilyName, SchedulerName, StrategyName, type RunDto } from "@/server/contracts/run";
import { constraintChoiceOf, noConstraints, type ConstraintChoice } from "./constraint-fields";
import type { LabelChoice } from "./new-run-form";
import { defaultValidationChoice, type ValidationChoice } from "./validation-fields";

/** What the new-run form starts from: its defaults, or a run's settings to clone it with changes. */
export interface RunFormValues {
  metric: Metric | "";
  budgetMinutes: string;
  maxTrials: string;
  seed: string;
  testPercent: string;
  validation: ValidationChoice;
  strategy: StrategyName;
  scheduler: SchedulerName;
  families: FamilyName[];
  estimation: EstimationName;
  constraints: ConstraintChoice;
}

export const defaultRunFormValues: RunFormValues = {
  metric: "",
  budgetMinutes: "",
  maxTrials: "10",
  seed: "0",
  testPercent: "20",
  validation: defaultValidationChoice,
  strategy: DEFAULT_STRATEGY,
  scheduler: "none",
  families: [...DEFAULT_FAMILIES],
  estimation: "full",
  constraints: noConstraints,
};

const text = (v: number | null) => (v === null ? "" : String(+v.toFixed(4)));

/** a run's settings as the form's values; a name the form no longer offers falls back to the default */
export const runFormValuesOf = (run: RunDto): RunFormValues => ({
  metric: run.metric,
  budgetMinutes: text(run.budgetSeconds === null ? null : run.budgetSeconds / 60),
  maxTrials: text(run.maxTrials),
  seed: String(run.seed),
  testPercent: text(run.testFraction * 100),
  validation: { validation: run.validation, finalModel: run.finalModel, groupColumn: run.groupColumn ?? "", timeColumn: run.timeColumn ?? "" },
  strategy: StrategyName.catch(defaultRunFormValues.strategy).parse(run.strategy),
  scheduler: SchedulerName.catch(defaultRunFormValues.scheduler).parse(run.scheduler),
  families: run.families.flatMap((f) => {
    const parsed = FamilyName.safeParse(f);
    return parsed.success ? [parsed.data] : [];
  }),
  estimation: EstimationName.catch(defaultRunFormValues.estimation).parse(run.estimation),
  constraints: constraintChoiceOf(run.constraints),
});

/** the run's label, and its problem type as an override only where it is not the one detected now */
export function labelChoiceOf(run: RunDto, detail: DatasetDetailDto): LabelChoice {
  const detected = detail.labels.find((l) => l.name === run.label)?.problemType ?? null;
  return { label: run.label, override: run.problemType === detected ? "" : run.problemType };
}
