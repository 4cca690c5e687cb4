"use client";

import Link from "next/link";
import { useSystem } from "./queries/get-system";
import { formatBytes } from "./ui/format";

export function AppHeader() {
  const { data } = useSystem();
  return (
    <header className="app-header">
      <Link href="/" className="brand">
        <span className="brand-mark" aria-hidden>
          ◆
        </span>
        AutoML Studio
      </Link>
      <div className="system" data-testid="system-info">
        {data ? (
          <>
            <span title="TensorFlow.js backend of the latest run">
              backend <strong data-testid="system-backend">{data.backend}</strong>
            </span>
            <span>
              workers <strong>{data.workers}</strong>
            </span>
            <span>
              data <strong>{formatBytes(data.dataDirBytes)}</strong>
            </span>
          </>
        ) : null}
      </div>
    </header>
  );
}
