/**
 * `GET /health`: 200 when Postgres and Redis answer, 503 (same body shape) when one does not.
 * `GET /health/ready` answers the same, for readiness probes: an instance whose dependencies are
 * down is taken out of its load balancer. `GET /health/live` checks nothing but the process, for
 * liveness probes: a database outage must not make an orchestrator restart every healthy API
 * process at once.
 */
import { Controller, Get, Res } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import { HealthCheck, HealthResponse } from "@mix/core";
import type { Response } from "express";
import { Public } from "../common/auth/public.decorator";
import { ApiZodResponse } from "../common/openapi/zod-openapi";
import { APP_VERSION } from "../version";
import { LivenessResponse } from "./liveness-response";

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
    await this.answerWithDependencies(response);
  }

  @Public()
  @Get("ready")
  @ApiOperation({ summary: "Readiness: Postgres and Redis answer", operationId: "healthReady" })
  @ApiZodResponse(200, HealthResponse, "Postgres and Redis reachable")
  @ApiZodResponse(503, HealthResponse, "Postgres or Redis unreachable")
  async ready(@Res() response: Response): Promise<void> {
    await this.answerWithDependencies(response);
  }

  @Public()
  @Get("live")
  @ApiOperation({ summary: "Liveness: the process answers (no dependency checks)", operationId: "healthLive" })
  @ApiZodResponse(200, LivenessResponse, "The process is up")
  live(): LivenessResponse {
    return { status: "ok", timestamp: new Date().toISOString(), version: APP_VERSION };
  }

  private async answerWithDependencies(response: Response): Promise<void> {
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
