export { createPrismaClient, type DatabaseOptions } from "./client";
export { directSql, type DirectSql } from "./direct-sql";
export { applyMigrations, MIGRATIONS_DIR } from "./migrations";
export { Prisma, PrismaClient } from "./generated/client";
export type { Workspace, ApiKey, Session, Message, Part, Run, WorkspacePreferences, ProviderCredential } from "./generated/client";
export type { WorkspaceProfile, KnowledgeDocument, KnowledgeChunk } from "./generated/client";
export * from "./generated/enums";
export { ensureDatabase } from "./create-database";
