/**
 * `GET /console` and everything below it: the web console's static files, with index.html for
 * its client routes. Public: the page holds no data, and the API key is typed into it (every
 * request the page makes carries the key; the stream uses a short-lived stream token).
 */
import { Controller, Get, Param, Res } from "@nestjs/common";
import { ApiExcludeController } from "@nestjs/swagger";
import { notFound } from "@mix/core";
import type { Response } from "express";
import { Public } from "../common/auth/public.decorator";
import { ConsoleFiles } from "./console-files";
import { setConsoleHeaders } from "./console-headers";

@ApiExcludeController()
@Controller("console")
export class ConsoleController {
  private readonly files = new ConsoleFiles();

  @Public()
  @Get()
  async page(@Res() response: Response): Promise<void> {
    await this.send("", response);
  }

  @Public()
  @Get("*path")
  async file(@Param("path") segments: string[] | string, @Res() response: Response): Promise<void> {
    await this.send(Array.isArray(segments) ? segments.join("/") : segments, response);
  }

  private async send(relativePath: string, response: Response): Promise<void> {
    const file = await this.files.resolve(relativePath);
    if (!file) throw notFound("Console file (built by pnpm build)");
    setConsoleHeaders(response, file);
    response.status(200).end(file.body);
  }
}
