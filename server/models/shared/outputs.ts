import type { Task } from "../family";

/** Raw scores per row for a task: one, except one per class for multiclass. */
export function outputsFor(task: Task): number {
  return task.type === "multiclass" ? task.classes.length : 1;
}
