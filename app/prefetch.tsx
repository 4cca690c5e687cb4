import { defaultShouldDehydrateQuery, dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { getContext, type StudioContext } from "@/server/context";

/**
 * Server pages prefetch their first data straight from the use cases into a query cache that the client
 * components pick up (same keys as components/queries), so a page paints with data and no request waterfall.
 * A failed prefetch is left out: the client then fetches and shows the API's error.
 *
 * `streamed` queries are slower and not needed for the first paint: they start once `queries` are in (the server has
 * one thread: run beside them they would delay the page) and go out unresolved; their answers stream in as they come,
 * and a component reading them with useSuspenseQuery inside <Suspense> is rendered on the server when they do.
 */
export async function Prefetched({ queries, streamed = [], children }: { queries: Prefetch[]; streamed?: Prefetch[]; children: ReactNode }) {
  const client = new QueryClient();
  try {
    const ctx = await getContext();
    await Promise.all(queries.map((q) => client.prefetchQuery({ queryKey: q.key, queryFn: () => q.load(ctx) })));
    for (const q of streamed) void client.prefetchQuery({ queryKey: q.key, queryFn: () => q.load(ctx) });
  } catch {
    // no database yet, or it is busy: the client fetches
  }
  return <HydrationBoundary state={dehydrate(client, { shouldDehydrateQuery: (q) => defaultShouldDehydrateQuery(q) || q.state.status === "pending" })}>{children}</HydrationBoundary>;
}

type Prefetch = { key: readonly unknown[]; load(ctx: StudioContext): Promise<unknown> };
