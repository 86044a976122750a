/** Session-level callbacks that run after a tool call completes. */
import { z } from "zod";
import { safeString } from "./text";

export const CallbackType = z.enum(["bash_script", "sub_agent", "send_message"]);

const CallbackFields = z.strictObject({
  type: CallbackType,
  toolName: safeString().min(1, "toolName is required").max(200),
  name: safeString().max(200).optional(),
  bashCommand: safeString().max(100_000).optional(),
  bashTimeout: z.number().int().min(1).max(600_000).optional(),
  excludeFromContext: z.boolean().optional(),
  includeFullHistory: z.boolean().optional(),
  messageContent: safeString().max(100_000).optional(),
  subAgentPrompt: safeString().max(100_000).optional(),
  subAgentType: safeString().max(100).optional(),
});

export const Callback = CallbackFields.superRefine((callback, ctx) => {
  const need = (field: keyof typeof callback, why: string) => {
    const value = callback[field];
    if (typeof value !== "string" || value.trim() === "") ctx.addIssue({ code: "custom", path: [field], message: why });
  };
  if (callback.type === "bash_script") need("bashCommand", "bashCommand is required for bash_script callbacks");
  if (callback.type === "sub_agent") need("subAgentPrompt", "subAgentPrompt is required for sub_agent callbacks");
  if (callback.type === "send_message") {
    need("messageContent", "messageContent is required for send_message callbacks");
    if (callback.excludeFromContext) {
      ctx.addIssue({ code: "custom", path: ["excludeFromContext"], message: "excludeFromContext is not allowed for send_message callbacks" });
    }
  }
});
export type Callback = z.infer<typeof Callback>;

export const MAX_CALLBACKS_PER_SESSION = 50;
export const CallbackList = z.array(Callback).max(MAX_CALLBACKS_PER_SESSION, `at most ${MAX_CALLBACKS_PER_SESSION} callbacks per session`);
