/**
 * At most `max` of `items`, evenly spread over their order (first and last kept): a deterministic thinning that
 * keeps the shape of a long run (early and late trials alike), unlike a random draw that differs between calls.
 */
export function evenSample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  if (max <= 0) return [];
  if (max === 1) return [items[0]];
  const step = (items.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => items[Math.round(i * step)]);
}
