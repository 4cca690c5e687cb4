import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { getContext, type StudioContext } from "@/server/context";

/**
 * Server pages prefetch their first data straight from the use cases into a query cache that the client
 * components pick up (same keys as components/queries), so a page paints with data and no request waterfall.
 * A failed prefetch is left out: the client then fetches and shows the API's error. `ifKept` queries are sent only
 * when their loader answers at once from what the server kept (undefined otherwise: the client fetches them).
 */
export async function Prefetched({ queries, ifKept = [], children }: { queries: Prefetch[]; ifKept?: Prefetch<unknown | undefined>[]; children: ReactNode }) {
  const client = new QueryClient();
  try {
    const ctx = await getContext();
    await Promise.all([
      ...queries.map((q) => client.prefetchQuery({ queryKey: q.key, queryFn: () => q.load(ctx) })),
      ...ifKept.map(async (q) => {
        const data = await q.load(ctx);
        if (data !== undefined) client.setQueryData(q.key, data);
      }),
    ]);
  } catch {
    // no database yet, or it is busy: the client fetches
  }
  return <HydrationBoundary state={dehydrate(client)}>{children}</HydrationBoundary>;
}

type Prefetch<T = unknown> = { key: readonly unknown[]; load(ctx: StudioContext): Promise<T> };
