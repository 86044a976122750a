/**
 * `GET /metrics`: this API instance's Prometheus metrics (text format). Public like /health, as
 * Prometheus holds no API key; with METRICS_TOKEN set, a scrape must send it as a bearer token.
 * Left out of the OpenAPI document (it is an operator's endpoint, not the Mix API) and out of
 * the rate limits (a public GET is never counted).
 */
import { Controller, Get, Inject, Req, Res } from "@nestjs/common";
import { ApiExcludeController } from "@nestjs/swagger";
import { hasMetricsToken, METRICS_CONTENT_TYPE, renderMetrics, unauthorized, type Config } from "@mix/core";
import type { Request, Response } from "express";
import { Public } from "../common/auth/public.decorator";
import { CONFIG } from "../core/config.token";

@ApiExcludeController()
@Controller("metrics")
export class MetricsController {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  @Public()
  @Get()
  async metrics(@Req() request: Request, @Res() response: Response): Promise<void> {
    if (!hasMetricsToken(request.headers.authorization, this.config.METRICS_TOKEN)) {
      response.set("WWW-Authenticate", "Bearer");
      throw unauthorized("Missing or wrong metrics token (expected 'Bearer <METRICS_TOKEN>')");
    }
    response
      .status(200)
      .type(METRICS_CONTENT_TYPE)
      .send(await renderMetrics());
  }
}
