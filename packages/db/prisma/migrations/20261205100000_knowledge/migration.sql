-- Grounding (issue 17): a workspace profile, knowledge documents split into chunks indexed with
-- Postgres full-text search, a session's switch for retrieval, and the sources a run was given.
ALTER TABLE "Session" ADD COLUMN "knowledgeEnabled" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "Run" ADD COLUMN "knowledgeSources" JSONB;

CREATE TABLE "WorkspaceProfile" (
    "workspaceId" TEXT NOT NULL,
    "team" TEXT NOT NULL DEFAULT '',
    "product" TEXT NOT NULL DEFAULT '',
    "voice" TEXT NOT NULL DEFAULT '',
    "facts" TEXT NOT NULL DEFAULT '',
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "WorkspaceProfile_pkey" PRIMARY KEY ("workspaceId"),
    CONSTRAINT "WorkspaceProfile_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "KnowledgeDocument" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "source" TEXT,
    "bytes" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "chunkCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "indexedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "KnowledgeDocument_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "KnowledgeDocument_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "KnowledgeDocument_format_check" CHECK ("format" IN ('text', 'markdown', 'html', 'pdf')),
    CONSTRAINT "KnowledgeDocument_origin_check" CHECK ("origin" IN ('upload', 'text', 'url', 'session_file'))
);
CREATE INDEX "KnowledgeDocument_workspaceId_createdAt_idx" ON "KnowledgeDocument"("workspaceId", "createdAt");

-- searchText is generated from content, so an insert or a re-index never has to keep the two in step.
CREATE TABLE "KnowledgeChunk" (
    "id" TEXT NOT NULL,
    "documentId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "embedding" DOUBLE PRECISION[] NOT NULL DEFAULT ARRAY[]::DOUBLE PRECISION[],
    "searchText" tsvector GENERATED ALWAYS AS (to_tsvector('english', "content")) STORED,
    CONSTRAINT "KnowledgeChunk_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "KnowledgeChunk_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "KnowledgeDocument"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "KnowledgeChunk_documentId_position_key" ON "KnowledgeChunk"("documentId", "position");
CREATE INDEX "KnowledgeChunk_workspaceId_idx" ON "KnowledgeChunk"("workspaceId");
CREATE INDEX "KnowledgeChunk_searchText_idx" ON "KnowledgeChunk" USING GIN ("searchText");
