/**
 * A workspace deleted while one of its requests is running: the write that then fails (a row
 * pointing at the deleted workspace, or the workspace row itself gone) answers 401, as the
 * workspace's keys now do everywhere, instead of a 500.
 */
import { Prisma, type PrismaClient } from "@mix/db";
import { unauthorized } from "../errors/app-error";

export const WORKSPACE_GONE_MESSAGE = "Invalid API key: its workspace no longer exists";

/** Every foreign key to a workspace is named `<Table>_workspaceId_fkey` (Prisma's convention). */
const WORKSPACE_FOREIGN_KEY = /_workspaceId_fkey\b/;

export function isWorkspaceGone(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  // P2025: a required record was not found; P2003: a foreign key refused the write.
  if (error.code === "P2025") return error.meta?.modelName === "Workspace";
  // The constraint's name is nested differently by each driver adapter; it is always in meta.
  if (error.code === "P2003") return WORKSPACE_FOREIGN_KEY.test(JSON.stringify(error.meta ?? {}));
  return false;
}

/** The same client, with those two failures turned into the 401 of a dead key. */
export function mapWorkspaceGone(prisma: PrismaClient): PrismaClient {
  return prisma.$extends({
    query: {
      async $allOperations({ args, query }) {
        try {
          return await query(args);
        } catch (error) {
          if (isWorkspaceGone(error)) throw unauthorized(WORKSPACE_GONE_MESSAGE);
          throw error;
        }
      },
    },
  }) as unknown as PrismaClient;
}
