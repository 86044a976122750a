-- CreateEnum
CREATE TYPE "SandboxNetwork" AS ENUM ('none', 'egress');

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "sandboxNetwork" "SandboxNetwork" NOT NULL DEFAULT 'none';
