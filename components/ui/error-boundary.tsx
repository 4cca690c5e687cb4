"use client";

import { Component, type ReactNode } from "react";
import { ErrorMessage } from "./error-message";

/**
 * Shows a section's error in place of the section (a suspending query throws its error here), so one failing
 * panel leaves the rest of the page working. "Try again" renders the children anew, which fetches again.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  state = { error: null as unknown };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <>
        <ErrorMessage error={this.state.error} />
        <button type="button" className="btn btn-small" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </>
    );
  }
}
