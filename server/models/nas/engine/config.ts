import { z } from "zod";

/**
 * How the engine trains: optimizer (Adam, RMSprop, or SGD with momentum), base learning rate and its schedule,
 * batch size. Schedules are functions of training progress in epochs (fractional within an epoch), so a schedule
 * is the same whatever the batch size:
 *   - constant: the base rate throughout
 *   - cosine:   base * (min + (1 - min) * (1 + cos(pi * min(progress / epochs, 1))) / 2), min = minFactor
 *   - step:     base * factor ^ floor(progress / everyEpochs)
 */
export const lrScheduleSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("constant") }).strict(),
  z.object({ type: z.literal("cosine"), epochs: z.number().positive(), minFactor: z.number().min(0).max(1).default(0) }).strict(),
  z.object({ type: z.literal("step"), everyEpochs: z.number().positive(), factor: z.number().positive().max(1) }).strict(),
]);
export type LrSchedule = z.input<typeof lrScheduleSchema>;

export const trainingConfigSchema = z
  .object({
    optimizer: z.enum(["adam", "rmsprop", "sgd"]),
    learningRate: z.number().positive(),
    schedule: lrScheduleSchema.default({ type: "constant" }),
    batchSize: z.number().int().min(1),
    /** SGD's momentum (default 0.9) or RMSprop's (default 0) */
    momentum: z.number().min(0).max(1).optional(),
    /** Adam's beta1/beta2, RMSprop's rho (beta2) */
    beta1: z.number().min(0).max(1).default(0.9),
    beta2: z.number().min(0).max(1).default(0.999),
    epsilon: z.number().positive().default(1e-7),
  })
  .strict();
export type TrainingConfig = z.input<typeof trainingConfigSchema>;
export type ParsedTrainingConfig = z.output<typeof trainingConfigSchema>;

export function parseTrainingConfig(config: TrainingConfig): ParsedTrainingConfig {
  const parsed = trainingConfigSchema.parse(config);
  // RMSprop's decay defaults to Keras' rho 0.9, not Adam's beta2
  if (parsed.optimizer === "rmsprop" && config.beta2 === undefined) parsed.beta2 = 0.9;
  return parsed;
}

/** The learning-rate factor (times the base rate) at `progress` epochs into training. */
export function scheduleFactor(schedule: LrSchedule | undefined, progress: number): number {
  if (!schedule || schedule.type === "constant") return 1;
  if (schedule.type === "cosine") {
    const min = schedule.minFactor ?? 0;
    const t = Math.min(Math.max(progress / schedule.epochs, 0), 1);
    return min + ((1 - min) * (1 + Math.cos(Math.PI * t))) / 2;
  }
  return schedule.factor ** Math.floor(progress / schedule.everyEpochs + 1e-9);
}
