/**
 * Jobs in each queue by state, read from BullMQ when Prometheus scrapes (not on a timer): the
 * numbers are Redis's at that moment, from whichever process watches the queue (the worker).
 */
import { Gauge } from "prom-client";
import { redisErrors } from "./metrics";
import { metricsRegistry } from "./registry";

/** Job counts by state, as BullMQ's `getJobCounts` returns them. */
export type JobCounts = Record<string, number>;

const sources = new Map<string, () => Promise<JobCounts>>();

export const queueJobs = new Gauge({
  name: "mix_queue_jobs",
  help: "Jobs in each queue by state (waiting, prioritized, delayed, active, ...), read from Redis on each scrape",
  labelNames: ["queue", "state"] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    await Promise.all(
      [...sources].map(async ([queue, read]) => {
        try {
          for (const [state, count] of Object.entries(await read())) this.set({ queue, state }, count);
        } catch {
          // The scrape still answers with everything else; the queue's series are absent for this scrape, not stale.
          redisErrors.inc();
        }
      }),
    );
  },
});

/** Reports `queue`'s job counts on every scrape until the returned function is called. */
export function watchQueueDepth(queue: string, read: () => Promise<JobCounts>): () => void {
  sources.set(queue, read);
  return () => {
    if (sources.get(queue) === read) sources.delete(queue);
  };
}
