/** `GET /api/tools`, `/api/tools/status` and `/api/tools/credentials-status`. */
import { z } from "zod";

export const ToolsListResponse = z.object({
  tools: z.array(z.object({ name: z.string(), description: z.string(), parameters: z.record(z.string(), z.unknown()), required: z.array(z.string()) })),
});
export type ToolsListResponse = z.infer<typeof ToolsListResponse>;

/** How the status endpoints describe one tool. */
const ToolStatus = z.object({
  display_name: z.string(),
  description: z.string(),
  provider: z.string(),
  api_key_required: z.boolean(),
  authenticated: z.boolean(),
});

export const ToolsStatusResponse = z.object({
  categories: z.record(z.string(), z.object({ display_name: z.string(), tools: z.array(ToolStatus) })),
});
export type ToolsStatusResponse = z.infer<typeof ToolsStatusResponse>;

export const ToolCredentialsStatusResponse = z.object({
  categories: z.record(
    z.string(),
    z.object({
      display_name: z.string(),
      description: z.string(),
      icon: z.string(),
      tools: z.array(ToolStatus.extend({ api_key_format: z.string() })),
    }),
  ),
});
export type ToolCredentialsStatusResponse = z.infer<typeof ToolCredentialsStatusResponse>;
