/** Whether the process's Postgres and Redis answer, each within a bounded time (for /health). */
import type { PrismaClient } from "@mix/db";
import type { RedisClient } from "../redis/connection";
import type { HealthResponse } from "../contracts";

export type DependencyStatus = HealthResponse["checks"];

// Well under a load balancer's usual probe timeout, so a hung dependency reads as down, not as a hung probe.
const CHECK_TIMEOUT_MS = 2_000;

export class HealthCheck {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly redis: RedisClient,
    private readonly timeoutMs = CHECK_TIMEOUT_MS,
  ) {}

  async check(): Promise<DependencyStatus> {
    const [postgres, redis] = await Promise.all([this.probe(() => this.prisma.$queryRaw`SELECT 1`), this.probe(() => this.redis.ping())]);
    return { postgres, redis };
  }

  private async probe(check: () => Promise<unknown>): Promise<"up" | "down"> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timeout")), this.timeoutMs);
    });
    try {
      await Promise.race([check(), timeout]);
      return "up";
    } catch {
      return "down"; // the answer names which dependency is down; probes run too often to log each
    } finally {
      clearTimeout(timer);
    }
  }
}
