-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "withTools" BOOLEAN NOT NULL DEFAULT true;
