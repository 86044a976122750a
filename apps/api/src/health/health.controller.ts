/** `GET /health`: 200 when Postgres and Redis answer, 503 (same body shape) when one does not. */
import { Controller, Get, Inject, Res } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import { HealthResponse, type ApiServices } from "@mix/core";
import type { Response } from "express";
import { API_SERVICES } from "../common/api-services.token";
import { Public } from "../common/auth/public.decorator";
import { ApiZodResponse } from "../common/openapi/zod-openapi";
import { APP_VERSION } from "../version";

const CHECK_TIMEOUT_MS = 2_000;

async function probe(check: () => Promise<unknown>): Promise<"up" | "down"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return "up";
  } catch {
    return "down"; // the caller reports which dependency is down
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags("System")
@Controller("health")
export class HealthController {
  constructor(@Inject(API_SERVICES) private readonly services: ApiServices) {}

  @Public()
  @Get()
  @ApiOperation({ summary: "Health check", operationId: "healthCheck" })
  @ApiZodResponse(200, HealthResponse, "Postgres and Redis reachable")
  @ApiZodResponse(503, HealthResponse, "Postgres or Redis unreachable")
  async health(@Res() response: Response): Promise<void> {
    const [postgres, redis] = await Promise.all([
      probe(() => this.services.prisma.$queryRaw`SELECT 1`),
      probe(() => this.services.redis.ping()),
    ]);
    const healthy = postgres === "up" && redis === "up";
    const body: HealthResponse = {
      status: healthy ? "ok" : "unhealthy",
      timestamp: new Date().toISOString(),
      version: APP_VERSION,
      checks: { postgres, redis },
    };
    response.status(healthy ? 200 : 503).json(body);
  }
}
