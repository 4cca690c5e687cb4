"use client";

import { useState } from "react";

/**
 * A destructive action in two steps: the button (data-testid=testId) asks, then "Confirm"
 * (data-testid="confirm-delete") does it; "Keep" goes back.
 */
export function ConfirmButton(props: { label: string; confirmLabel?: string; question: string; onConfirm(): void; disabled?: boolean; testId: string; small?: boolean }) {
  const [asking, setAsking] = useState(false);
  const cls = props.small ? "btn btn-small" : "btn";
  if (!asking) {
    return (
      <button type="button" className={`${cls} btn-danger-outline`} data-testid={props.testId} disabled={props.disabled} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={props.question}>
      <span className="confirm-question">{props.question}</span>
      <button
        type="button"
        className={`${cls} btn-danger`}
        data-testid="confirm-delete"
        onClick={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        {props.confirmLabel ?? "Delete"}
      </button>
      <button type="button" className={`${cls} btn-ghost`} onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  );
}
