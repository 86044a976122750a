/**
 * Where a session's event ids come from when Redis has none to hand out: blocks reserved in
 * Postgres (hi/lo), so an id handed out is always at or below the session's stored high-water
 * mark, and a counter Redis lost is re-seeded above every id ever used.
 */
import type { PrismaClient } from "@mix/db";

export interface EventIdReserver {
  /**
   * Reserves the `count` ids above max(the stored mark, `atLeast`) and returns the new mark (the
   * top of the block); null when the session is gone (its last events need no durable ids).
   */
  reserve(sessionId: string, count: number, atLeast: number): Promise<number | null>;
}

export class PostgresEventIds implements EventIdReserver {
  constructor(private readonly prisma: PrismaClient) {}

  async reserve(sessionId: string, count: number, atLeast: number): Promise<number | null> {
    const rows = await this.prisma.$queryRaw<{ eventHighWater: number }[]>`
      UPDATE "Session" SET "eventHighWater" = GREATEST("eventHighWater", ${atLeast}::int) + ${count}::int
      WHERE "id" = ${sessionId} RETURNING "eventHighWater"`;
    return rows[0]?.eventHighWater ?? null;
  }
}
