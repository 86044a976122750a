-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "permissionPolicy" JSONB;

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "modelId" TEXT,
ADD COLUMN     "modelProvider" TEXT;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "maxSteps" INTEGER;
