/** One-shot administrative actions for command-line tools. */
import { createPrismaClient } from "@mix/db";
import { ApiKeyService } from "./api-keys";
import type { Config } from "../config/config";

export async function createWorkspaceWithKey(config: Config, name: string): Promise<{ workspaceId: string; apiKey: string }> {
  const prisma = createPrismaClient({ url: config.DATABASE_URL, poolSize: 1 });
  try {
    return await new ApiKeyService(prisma).createWorkspace(name);
  } finally {
    await prisma.$disconnect();
  }
}
