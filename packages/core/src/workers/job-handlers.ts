/**
 * A worker's jobs as a typed catalog: one handler for each job the job catalog puts on its
 * queue, given the payload that job's schema parsed. Checked when the worker boots, so a job
 * without a handler stops the worker before it takes anything, not each such job later.
 */
import { UnrecoverableError, type Job } from "bullmq";
import type { z } from "zod";
import { JobCatalog, jobNamesOf, type JobName, type JobNameOf, type JobPayload, type QueueName } from "../contracts";
import { recordQueueWait } from "../metrics/record";

/** Handles one job; `token` is its lock token (a handler that moves the job back to the delayed set needs it). */
export type JobHandler<N extends JobName> = (payload: JobPayload<N>, job: Job, token: string | undefined) => Promise<unknown>;

/** A handler for every job of the queue: the compiler asks for a missing one, the boot check for the rest. */
export type JobHandlers<Q extends QueueName> = { readonly [N in JobNameOf<Q>]: JobHandler<N> };

/** What the queue's BullMQ worker runs for each job it takes. */
export type JobDispatch = (job: Job, token?: string) => Promise<unknown>;

interface Route {
  payload: z.ZodType;
  handle: (payload: unknown, job: Job, token: string | undefined) => Promise<unknown>;
}

/**
 * The dispatch of `queue`'s jobs to `handlers`. Throws (at boot) when a job of the queue has no
 * handler, or a handler names no job of the queue. The dispatch refuses an unknown job or a
 * payload its schema rejects as unrecoverable: retrying would fail the same way.
 */
export function createJobDispatch<Q extends QueueName>(queue: Q, handlers: JobHandlers<Q>): JobDispatch {
  const names: string[] = jobNamesOf(queue);
  const given = handlers as unknown as Record<string, Route["handle"] | undefined>;
  const missing = names.filter((name) => typeof given[name] !== "function");
  if (missing.length > 0) throw new Error(`queue "${queue}": no handler for ${quoted(missing)} of the job catalog`);
  const strays = Object.keys(given).filter((name) => !names.includes(name));
  if (strays.length > 0) throw new Error(`queue "${queue}": a handler for ${quoted(strays)}, which the job catalog does not put on this queue`);

  const routes = new Map<string, Route>(names.map((name) => [name, { payload: JobCatalog[name as JobName].payload, handle: given[name]! }]));
  return async (job, token) => {
    const route = routes.get(job.name);
    if (!route) throw new UnrecoverableError(`no handler for job "${job.name}"`);
    const parsed = route.payload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`malformed payload for job ${job.id}`);
    recordQueueWait(queue, job);
    return route.handle(parsed.data, job, token);
  };
}

function quoted(names: string[]): string {
  return names.map((name) => `job "${name}"`).join(", ");
}
