/**
 * The infrastructure a worker stands on: the process's, shared by all its workers and closed by
 * the process once they all stopped, or (a worker started alone, as tests do) one of its own that
 * it closes with itself.
 */
import type { Infrastructure } from "../infrastructure/infrastructure";

export async function startOnInfrastructure<W extends { close(): Promise<void> }>(
  shared: Infrastructure | undefined,
  open: () => Infrastructure,
  start: (infrastructure: Infrastructure) => Promise<W>,
): Promise<W> {
  if (shared) return start(shared);
  const own = open();
  let worker: W;
  try {
    worker = await start(own);
  } catch (error) {
    // A worker that cannot start leaves no connection behind; the reason it failed is what it reports.
    await own.close().catch((closeError: unknown) => own.logger.warn({ err: closeError }, "could not close the connections of a worker that failed to start"));
    throw error;
  }
  return {
    ...worker,
    async close() {
      try {
        await worker.close();
      } finally {
        await own.close();
      }
    },
  };
}
