-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "cancelRequestedAt" TIMESTAMP(3),
ADD COLUMN     "streamingMessageId" TEXT;

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "eventHighWater" INTEGER NOT NULL DEFAULT 0;
