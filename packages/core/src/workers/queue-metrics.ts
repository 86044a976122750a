/**
 * The depth of every queue of the job catalog, for the process's metrics: each scrape asks
 * BullMQ for the queue's job counts by state. Any process can watch (the worker does); the
 * numbers are the queue's, not the process's.
 */
import { Queue } from "bullmq";
import { QueueName } from "../contracts";
import type { Infrastructure } from "../infrastructure/infrastructure";
import { watchQueueDepth } from "../metrics/queue-depth";

const STATES = ["waiting", "prioritized", "delayed", "active", "waiting-children", "completed", "failed"] as const;

/** Starts reporting; `close` stops it and closes the queue handles it opened (not the connection). */
export function watchQueueMetrics(infrastructure: Pick<Infrastructure, "queueConnection" | "keys">): { close(): Promise<void> } {
  const queues = Object.values(QueueName).map(
    (name) => new Queue(name, { connection: infrastructure.queueConnection, prefix: infrastructure.keys.queuePrefix() }),
  );
  const unwatch = queues.map((queue) => watchQueueDepth(queue.name, () => queue.getJobCounts(...STATES)));
  return {
    async close() {
      for (const stop of unwatch) stop();
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}
