-- CreateEnum
CREATE TYPE "ProviderAuthMethod" AS ENUM ('api_key', 'oauth');

-- CreateTable
CREATE TABLE "WorkspacePreferences" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "preferredProvider" TEXT NOT NULL,
    "mainAgentModel" TEXT NOT NULL,
    "subAgentModel" TEXT NOT NULL,
    "mainAgentMaxTokens" INTEGER NOT NULL,
    "subAgentMaxTokens" INTEGER NOT NULL,
    "mainAgentReasoningEffort" TEXT NOT NULL,
    "subAgentReasoningEffort" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WorkspacePreferences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProviderCredential" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "authMethod" "ProviderAuthMethod" NOT NULL,
    "encryptedSecret" TEXT NOT NULL,
    "encryptedRefreshToken" TEXT,
    "expiresAt" TIMESTAMP(3),
    "keyHint" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProviderCredential_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "WorkspacePreferences_workspaceId_key" ON "WorkspacePreferences"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "ProviderCredential_workspaceId_provider_key" ON "ProviderCredential"("workspaceId", "provider");

-- AddForeignKey
ALTER TABLE "WorkspacePreferences" ADD CONSTRAINT "WorkspacePreferences_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProviderCredential" ADD CONSTRAINT "ProviderCredential_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
