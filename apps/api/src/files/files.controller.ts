/** `/api/sessions/{id}/files`: a session's file storage, a thin mapping onto SessionFilesService. */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from "@nestjs/common";
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from "@nestjs/swagger";
import { FileInfo, MAX_UPLOAD_BYTES, SessionFilesService, type Principal } from "@mix/core";
import type { Request, Response } from "express";
import { z } from "zod";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodResponse } from "../common/openapi/zod-openapi";
import { receiveFile, UPLOAD_FIELD } from "./multipart-upload";
import { rawFileName } from "./raw-file-name";
import { sendBytes } from "./send-bytes";

const FILENAME_PARAM = { name: "filename", description: "File name; may contain '/' for files in folders", type: String };

@ApiTags("Files")
@Controller("api/sessions/:id/files")
export class FilesController {
  constructor(private readonly files: SessionFilesService) {}

  @Get()
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "List session files",
    description: "The files and folders at the top of the session's storage folder.",
    operationId: "listSessionFiles",
  })
  @ApiZodResponse(200, z.array(FileInfo), "List of files in session")
  @ApiErrors(401, 404)
  list(@CurrentPrincipal() principal: Principal, @Param("id") id: string) {
    return this.files.list(principal.workspaceId, id);
  }

  @Post("upload")
  @RequiresRole("member")
  @ApiOperation({
    summary: "Upload file to session",
    description:
      `Multipart field \`${UPLOAD_FIELD}\`, at most ${MAX_UPLOAD_BYTES} bytes (32 MB; more answers 413 and nothing is kept). ` +
      "The file is stored under the base name of its client file name; a file of that name is overwritten.",
    operationId: "uploadSessionFile",
  })
  @ApiConsumes("multipart/form-data")
  @ApiBody({
    schema: { type: "object", required: [UPLOAD_FIELD], properties: { [UPLOAD_FIELD]: { type: "string", format: "binary", description: "File to upload" } } },
  })
  @ApiZodResponse(201, FileInfo, "File uploaded successfully")
  @ApiErrors(400, 401, 404, 413)
  async upload(@CurrentPrincipal() principal: Principal, @Param("id") id: string, @Req() request: Request) {
    await this.files.requireSession(principal.workspaceId, id);
    return receiveFile(request, (clientName, body) => this.files.upload(principal.workspaceId, id, clientName, body));
  }

  @Get("*filename")
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "Get session file",
    description:
      "The file with its MIME type; supports Range (206, 416), ETag and Last-Modified. With `thumb`, a JPEG or PNG thumbnail " +
      "of an image or video (cached until the source changes); other files answer 400.",
    operationId: "getSessionFile",
  })
  @ApiParam(FILENAME_PARAM)
  @ApiQuery({
    name: "thumb",
    required: false,
    description: "Thumbnail size, 16 to 1024: '100' (box), 'w100' (width), 'h100' (height)",
    schema: { type: "string", pattern: "^(\\d+|w\\d+|h\\d+)$" },
  })
  @ApiQuery({
    name: "time",
    required: false,
    description: "Seconds into a video for its thumbnail (default 1.0)",
    schema: { type: "number", minimum: 0, maximum: 86400 },
  })
  @ApiProduces("*/*")
  @ApiResponse({ status: 200, description: "File content", schema: { type: "string", format: "binary" } })
  @ApiResponse({ status: 206, description: "The requested byte range", schema: { type: "string", format: "binary" } })
  // 503: a thumbnail is made by a worker, and none answered.
  @ApiErrors(400, 401, 404, 416, 503)
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param("id") id: string,
    @Query("thumb") thumb: string | undefined,
    @Query("time") time: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const name = rawFileName(request);
    if (thumb !== undefined) {
      const made = await this.files.thumbnail(principal.workspaceId, id, name, thumb, time);
      const info = await stat(made.file);
      const open = async () => createReadStream(made.file);
      return sendBytes(request, response, { size: info.size, modifiedMs: info.mtimeMs, contentType: made.contentType, open });
    }
    const { entry, contentType } = await this.files.file(principal.workspaceId, id, name);
    const open = (range?: { start: number; end: number }) => this.files.read(id, entry, range);
    return sendBytes(request, response, { size: entry.size, modifiedMs: entry.modifiedMs, contentType, open });
  }

  @Delete("*filename")
  @RequiresRole("member")
  @HttpCode(204)
  @ApiOperation({ summary: "Delete session file", description: "Deletes one file; a folder answers 400.", operationId: "deleteSessionFile" })
  @ApiParam(FILENAME_PARAM)
  @ApiErrors(400, 401, 404)
  async delete(@CurrentPrincipal() principal: Principal, @Param("id") id: string, @Req() request: Request): Promise<void> {
    await this.files.delete(principal.workspaceId, id, rawFileName(request));
  }
}
