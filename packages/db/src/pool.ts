/**
 * `@mix/db/pool`: a plain pg pool on the URL rules of the Prisma client (client.ts), for a
 * process that needs a few reads and no Prisma: the stream gateway, whose memory budget the
 * query compiler (about 55 MB once instantiated) and the generated client do not fit.
 */
import { Pool } from "pg";

export type { Pool } from "pg";

/** `pgbouncer=true`, Prisma's own marker of a transaction pooler, turns named statements off; pg must not see it. */
export function withoutPoolerMarker(url: string): { url: string; pooler: boolean } {
  const marker = /([?&])pgbouncer=true(&|$)/;
  if (!marker.test(url)) return { url, pooler: false };
  return { url: url.replace(marker, (_, before: string, after: string) => (after ? before : "")).replace(/[?&]$/, ""), pooler: true };
}

export function createPgPool({ url, poolSize }: { url: string; poolSize: number }): Pool {
  return new Pool({ connectionString: withoutPoolerMarker(url).url, max: poolSize });
}
