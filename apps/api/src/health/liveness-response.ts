/** The body of `GET /health/live`: the process answers; nothing else is checked. */
import { z } from "zod";

export const LivenessResponse = z.object({
  status: z.literal("ok"),
  timestamp: z.string(),
  version: z.string(),
});
export type LivenessResponse = z.infer<typeof LivenessResponse>;
