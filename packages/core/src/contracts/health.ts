/** `GET /health`. */
import { z } from "zod";

export const HealthResponse = z.object({
  status: z.enum(["ok", "unhealthy"]),
  timestamp: z.string(),
  version: z.string(),
  checks: z.object({ postgres: z.enum(["up", "down"]), redis: z.enum(["up", "down"]) }),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
