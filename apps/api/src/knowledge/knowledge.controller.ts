/**
 * `/api/knowledge`: the workspace's knowledge sources. Any key lists, reads and searches them;
 * admins add (text, a URL, a session's file, an upload), re-index and delete them (audited).
 */
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from "@nestjs/common";
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiQuery, ApiTags } from "@nestjs/swagger";
import {
  AddKnowledgeDocumentRequest,
  KnowledgeDocumentData,
  KnowledgeDocumentDetail,
  KnowledgeSearchQuery,
  KnowledgeSearchResponse,
  KnowledgeService,
  ListKnowledgeDocumentsResponse,
  MAX_KNOWLEDGE_SEARCH_RESULTS,
  type Actor,
  type Principal,
} from "@mix/core";
import type { Request } from "express";
import type { z } from "zod";
import { CurrentActor } from "../common/auth/actor.decorator";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";
import { receiveFile, UPLOAD_FIELD } from "../files/multipart-upload";

const DOCUMENT_ID = ApiParam({ name: "id", description: "The document's id" });
const FORMATS = "text (.txt), markdown (.md), HTML (.html) or PDF (.pdf)";

@ApiTags("Knowledge")
@Controller("api/knowledge")
export class KnowledgeController {
  constructor(private readonly knowledge: KnowledgeService) {}

  @Get("documents")
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "List knowledge documents",
    description: "Newest first, with the workspace's usage and quotas.",
    operationId: "listKnowledgeDocuments",
  })
  @ApiZodResponse(200, ListKnowledgeDocumentsResponse, "The workspace's documents")
  @ApiErrors(401)
  list(@CurrentPrincipal() principal: Principal): Promise<ListKnowledgeDocumentsResponse> {
    return this.knowledge.list(principal.workspaceId);
  }

  @Post("documents")
  @RequiresRole("admin")
  @ApiOperation({
    summary: "Add a knowledge document",
    description:
      "Exactly one of: `text` (with `format` text, markdown or html), `url` (fetched under web_fetch's address rules: public addresses only; " +
      `${FORMATS}), or \`sessionId\` + \`path\` (a file of one of the workspace's sessions). The text is split into chunks and indexed. ` +
      "Over the per-document size: 413; over the workspace's document count or total size: 403 quota_exceeded; another format: 415; " +
      "empty, binary or unreadable: 400.",
    operationId: "addKnowledgeDocument",
  })
  @ApiZodBody(AddKnowledgeDocumentRequest)
  @ApiZodResponse(201, KnowledgeDocumentData, "The document, indexed")
  @ApiErrors(400, 401, 403, 404, 413, 415, 503)
  add(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Body(new ZodPipe(AddKnowledgeDocumentRequest)) body: AddKnowledgeDocumentRequest,
  ): Promise<KnowledgeDocumentData> {
    return this.knowledge.add(principal.workspaceId, actor, body);
  }

  @Post("documents/upload")
  @RequiresRole("admin")
  @ApiOperation({
    summary: "Upload a knowledge document",
    description: `Multipart field \`${UPLOAD_FIELD}\`: ${FORMATS}, told apart by the file name. Titled after the file; limits as for adding one.`,
    operationId: "uploadKnowledgeDocument",
  })
  @ApiConsumes("multipart/form-data")
  @ApiBody({
    schema: { type: "object", required: [UPLOAD_FIELD], properties: { [UPLOAD_FIELD]: { type: "string", format: "binary", description: "The document" } } },
  })
  @ApiZodResponse(201, KnowledgeDocumentData, "The document, indexed")
  @ApiErrors(400, 401, 403, 413, 415, 503)
  upload(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Req() request: Request): Promise<KnowledgeDocumentData> {
    return receiveFile(request, (name, body) => this.knowledge.upload(principal.workspaceId, actor, { name, contentType: "", body }));
  }

  @Get("documents/:id")
  @RequiresRole("read_only")
  @ApiOperation({ summary: "Get a knowledge document", description: "With the text its chunks come from.", operationId: "getKnowledgeDocument" })
  @DOCUMENT_ID
  @ApiZodResponse(200, KnowledgeDocumentDetail, "The document")
  @ApiErrors(401, 404)
  get(@CurrentPrincipal() principal: Principal, @Param("id") id: string): Promise<KnowledgeDocumentDetail> {
    return this.knowledge.get(principal.workspaceId, id);
  }

  @Post("documents/:id/reindex")
  @RequiresRole("admin")
  @HttpCode(200)
  @ApiOperation({
    summary: "Re-index a knowledge document",
    description: "A URL is fetched again and a session file read again (the others keep their text); the text is chunked with the current settings.",
    operationId: "reindexKnowledgeDocument",
  })
  @DOCUMENT_ID
  @ApiZodResponse(200, KnowledgeDocumentData, "The document, indexed again")
  @ApiErrors(400, 401, 403, 404, 413, 415, 503)
  reindex(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param("id") id: string): Promise<KnowledgeDocumentData> {
    return this.knowledge.reindex(principal.workspaceId, actor, id);
  }

  @Delete("documents/:id")
  @RequiresRole("admin")
  @HttpCode(204)
  @ApiOperation({ summary: "Delete a knowledge document", description: "With its chunks.", operationId: "deleteKnowledgeDocument" })
  @DOCUMENT_ID
  @ApiErrors(401, 403, 404)
  async delete(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param("id") id: string): Promise<void> {
    await this.knowledge.delete(principal.workspaceId, actor, id);
  }

  @Get("search")
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "Search the knowledge",
    description:
      'Postgres full-text search over the workspace\'s chunks (websearch syntax: "a phrase", OR, -word), best first by ts_rank_cd; ' +
      "when no chunk holds every term, the chunks holding any of them. Re-ranked by embeddings where KNOWLEDGE_EMBEDDINGS_URL is set.",
    operationId: "searchKnowledge",
  })
  @ApiQuery({ name: "q", required: true, type: String, description: "What to look for" })
  @ApiQuery({ name: "limit", required: false, type: Number, description: `1 to ${MAX_KNOWLEDGE_SEARCH_RESULTS} (default 5)` })
  @ApiZodResponse(200, KnowledgeSearchResponse, "The best matching chunks")
  @ApiErrors(400, 401)
  async search(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(KnowledgeSearchQuery)) query: z.infer<typeof KnowledgeSearchQuery>,
  ): Promise<KnowledgeSearchResponse> {
    return { results: await this.knowledge.search(principal.workspaceId, query.q, query.limit ?? 5) };
  }
}
