"use client";

import { useState, type ReactNode } from "react";

/**
 * A <details> whose content is rendered only once opened: a chart's text alternative can be a long table (thousands
 * of epochs or trials) that most visitors never open.
 */
export function LazyDetails({ summary, testId, children }: { summary: string; testId: string; children: () => ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="chart-table" data-testid={testId} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      {open ? children() : null}
    </details>
  );
}
