import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { getContext, type StudioContext } from "@/server/context";

/**
 * Server pages prefetch their first data straight from the use cases into a query cache that the client
 * components pick up (same keys as components/queries), so a page paints with data and no request waterfall.
 * A failed prefetch is left out: the client then fetches and shows the API's error.
 */
export async function Prefetched({ queries, children }: { queries: { key: readonly unknown[]; load(ctx: StudioContext): Promise<unknown> }[]; children: ReactNode }) {
  const client = new QueryClient();
  try {
    const ctx = await getContext();
    await Promise.all(queries.map((q) => client.prefetchQuery({ queryKey: q.key, queryFn: () => q.load(ctx) })));
  } catch {
    // no database yet, or it is busy: the client fetches
  }
  return <HydrationBoundary state={dehydrate(client)}>{children}</HydrationBoundary>;
}
