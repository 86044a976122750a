/** Creates Prisma clients on the pg driver adapter (no native query engine needed). */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

export interface DatabaseOptions {
  url: string;
  /** Upper bound on pooled connections per process. */
  poolSize?: number;
}

export function createPrismaClient({ url, poolSize = 10 }: DatabaseOptions): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: poolSize });
  return new PrismaClient({ adapter });
}
