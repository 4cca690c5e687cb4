import { errorMessage } from "../queries/api";

/** An error from the API, shown inline where the action was (data-testid="error"). */
export function ErrorMessage({ error, testId = "error" }: { error: unknown; testId?: string }) {
  if (!error) return null;
  return (
    <div className="alert" role="alert" data-testid={testId}>
      {errorMessage(error)}
    </div>
  );
}
