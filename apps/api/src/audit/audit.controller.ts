/** `/api/workspace/audit` and `/export`: the admin's read of the core AuditLog. */
import { applyDecorators, Controller, Get, Query, Res } from "@nestjs/common";
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from "@nestjs/swagger";
import { AuditEntryData, AuditFilterQuery, AuditLog, ListAuditQuery, MAX_AUDIT_PAGE, type AuditFilters, type Principal } from "@mix/core";
import type { Response } from "express";
import { z } from "zod";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, toOpenApiSchema } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";
import { filterParams, sendJsonLines } from "./json-lines";

const FILTER_QUERIES = [
  { name: "action", description: "Comma-separated actions; an entry matches any of them" },
  { name: "actorKeyId", description: "Entries of this API key" },
  { name: "actorMemberId", description: "Entries of this member" },
  { name: "targetType", description: 'What it was done to, e.g. "session", "credentials", "permission"' },
  { name: "targetId", description: "The target's id" },
  { name: "from", description: "ISO 8601; entries at or after it" },
  { name: "to", description: "ISO 8601; entries before it" },
];
const ApiAuditFilters = () => applyDecorators(...FILTER_QUERIES.map((query) => ApiQuery({ ...query, required: false, type: String })));

@ApiTags("Audit")
@Controller("api/workspace/audit")
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @RequiresRole("admin")
  @ApiOperation({
    summary: "List the workspace's audit log",
    description:
      'Newest first, one page at a time. When more entries exist the `Link` (rel="next") and `X-Next-Cursor` headers say how to ask for the next page.',
    operationId: "listAuditEntries",
  })
  @ApiAuditFilters()
  @ApiQuery({ name: "limit", required: false, type: Number, description: `Page size, 1 to ${MAX_AUDIT_PAGE} (default 50)` })
  @ApiQuery({ name: "cursor", required: false, type: String, description: "Opaque: the X-Next-Cursor of the previous page" })
  @ApiResponse({
    status: 200,
    description: "Entries of the caller's workspace",
    schema: toOpenApiSchema(z.array(AuditEntryData)),
    headers: {
      Link: { description: '`<url>; rel="next"` when entries remain', schema: { type: "string" } },
      "X-Next-Cursor": { description: "The cursor of the next page, when there is one", schema: { type: "string" } },
    },
  })
  @ApiErrors(400, 401, 403)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(ListAuditQuery)) query: z.infer<typeof ListAuditQuery>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AuditEntryData[]> {
    const { limit, cursor, ...filters } = query;
    const page = await this.audit.list(principal.workspaceId, filters, { limit, cursor });
    if (page.nextCursor !== null) {
      const next = filterParams(filters);
      if (limit !== undefined) next.set("limit", String(limit));
      next.set("cursor", page.nextCursor);
      // Relative, so it never repeats a Host header a proxy may have rewritten.
      response.setHeader("Link", `</api/workspace/audit?${next.toString()}>; rel="next"`);
      response.setHeader("X-Next-Cursor", page.nextCursor);
    }
    return page.entries;
  }

  @Get("export")
  @RequiresRole("admin")
  @ApiOperation({
    summary: "Export the workspace's audit log as JSON lines",
    description: "Every entry matching the filters, newest first, one JSON object per line (the list's entry shape), streamed.",
    operationId: "exportAuditLog",
  })
  @ApiAuditFilters()
  @ApiResponse({ status: 200, description: "One entry per line", content: { "application/x-ndjson": { schema: toOpenApiSchema(AuditEntryData) } } })
  @ApiErrors(400, 401, 403)
  async export(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(AuditFilterQuery)) filters: AuditFilters,
    @Res() response: Response,
  ): Promise<void> {
    const fileName = `audit_${principal.workspaceId}_${new Date().toISOString().slice(0, 10)}.jsonl`;
    await sendJsonLines(response, this.audit.entries(principal.workspaceId, filters), fileName);
  }
}
