/** A run's or a candidate's status as a colored pill; the text is the status itself. */
export function StatusBadge({ status, testId, title }: { status: string; testId?: string; title?: string }) {
  return (
    <span className={`badge badge-${status}`} data-testid={testId} title={title}>
      {status}
    </span>
  );
}
