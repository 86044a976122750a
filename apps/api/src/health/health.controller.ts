/** `GET /health`: 200 when Postgres and Redis answer, 503 (same body shape) when one does not. */
import { Controller, Get, Res } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import { HealthCheck, HealthResponse } from "@mix/core";
import type { Response } from "express";
import { Public } from "../common/auth/public.decorator";
import { ApiZodResponse } from "../common/openapi/zod-openapi";
import { APP_VERSION } from "../version";

@ApiTags("System")
@Controller("health")
export class HealthController {
  constructor(private readonly healthCheck: HealthCheck) {}

  @Public()
  @Get()
  @ApiOperation({ summary: "Health check", operationId: "healthCheck" })
  @ApiZodResponse(200, HealthResponse, "Postgres and Redis reachable")
  @ApiZodResponse(503, HealthResponse, "Postgres or Redis unreachable")
  async health(@Res() response: Response): Promise<void> {
    const checks = await this.healthCheck.check();
    const healthy = checks.postgres === "up" && checks.redis === "up";
    const body: HealthResponse = {
      status: healthy ? "ok" : "unhealthy",
      timestamp: new Date().toISOString(),
      version: APP_VERSION,
      checks,
    };
    response.status(healthy ? 200 : 503).json(body);
  }
}
