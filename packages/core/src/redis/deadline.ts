/** Bounds how long a request waits on Redis, when Postgres already holds what it must not lose. */

/** The work's result, or a rejection once `ms` have passed (the work itself goes on and may still land). */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** How long a request waits for Redis before it answers from what Postgres holds. */
export const REDIS_DEADLINE_MS = 2_000;
