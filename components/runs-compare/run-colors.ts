/** one distinct colour per compared run (at most 10), the same in the chart and its tables */
const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d"];
export const runColor = (index: number) => COLORS[index % COLORS.length];
