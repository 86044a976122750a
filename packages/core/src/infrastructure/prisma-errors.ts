/** The same client, each failed query counted in the process's metrics (mix_postgres_errors_total) before it is rethrown. */
import type { PrismaClient } from "@mix/db";
import { countPostgresError } from "../metrics/record";

export function countPrismaErrors(prisma: PrismaClient): PrismaClient {
  return prisma.$extends({
    query: {
      async $allOperations({ args, query }) {
        try {
          return await query(args);
        } catch (error) {
          countPostgresError(error);
          throw error;
        }
      },
    },
  }) as unknown as PrismaClient;
}
