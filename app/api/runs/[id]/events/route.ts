import { getContext } from "@/server/context";
import { describeError, respond } from "@/server/usecases/errors";
import { requireRun } from "@/server/usecases/get-run";
import { watchRun } from "@/server/usecases/watch-run";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Server-sent events: `data:` events carry { run, trials changed }; `event: end` says the run has finished
 * (the client then closes instead of reconnecting). Polling stops as soon as the client goes away.
 */
export const GET = (request: Request, { params }: { params: Promise<{ id: string }> }) =>
  respond(async () => {
    const { id } = await params;
    const ctx = await getContext();
    await requireRun(ctx, id); // a 404 before the stream starts (without reading its trials: a run can have 10,000)
    const abort = new AbortController();
    request.signal.addEventListener("abort", () => abort.abort(), { once: true });
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const write = (text: string) => {
          if (abort.signal.aborted) return;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            abort.abort();
          }
        };
        write("retry: 2000\n\n");
        const heartbeat = setInterval(() => write(": ping\n\n"), 15_000);
        try {
          await watchRun(ctx, id, { signal: abort.signal, send: (event) => write(`data: ${JSON.stringify(event)}\n\n`) });
          write("event: end\ndata: {}\n\n");
        } catch (err) {
          write(`event: failure\ndata: ${JSON.stringify({ error: describeError(err).message })}\n\n`);
        } finally {
          clearInterval(heartbeat);
          try {
            controller.close();
          } catch {
            // already closed by the client
          }
        }
      },
      cancel() {
        abort.abort();
      },
    });
    return new Response(stream, {
      headers: {
        "Content-Type": "text/event-stream; charset=utf-8",
        // no-transform keeps compression from buffering the stream
        "Cache-Control": "no-cache, no-transform",
        Connection: "keep-alive",
        "X-Accel-Buffering": "no",
      },
    });
  });
