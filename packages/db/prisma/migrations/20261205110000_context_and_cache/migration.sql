-- Prompt caching: of each call's prompt tokens, those read from and written to the provider's
-- cache, priced at their own rates. Kept per session (with its other totals) and per usage record.
ALTER TABLE "Session" ADD COLUMN "cacheReadTokens" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Session" ADD COLUMN "cacheWriteTokens" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "UsageRecord" ADD COLUMN "cacheReadTokens" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "UsageRecord" ADD COLUMN "cacheWriteTokens" INTEGER NOT NULL DEFAULT 0;
