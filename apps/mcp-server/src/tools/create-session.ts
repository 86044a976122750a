/** create_session: a new, empty session to send messages to. */
import { CreateSessionRequest, SessionData, safeString } from "@mix/core";
import { z } from "zod";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const registerCreateSession: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "create_session",
    {
      title: "Create session",
      description:
        "Creates a new, empty agent session and returns it (its id is what send_message needs). " +
        "Optionally give the agent a custom system prompt, appended to the default one or replacing it.",
      inputSchema: {
        title: safeString().describe("A short title for the session"),
        custom_system_prompt: safeString().optional().describe("Extra instructions for the agent in this session"),
        prompt_mode: z
          .enum(["default", "append", "replace"])
          .default("default")
          .describe("How custom_system_prompt is used: append to or replace the default prompt ('default' ignores it)"),
      },
      outputSchema: SessionData,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    ({ title, custom_system_prompt, prompt_mode }) =>
      guarded(async () => {
        // The REST API's own request schema: the same validation and messages.
        const request = CreateSessionRequest.parse({ title, customSystemPrompt: custom_system_prompt, promptMode: prompt_mode });
        const session = await services.sessions.create(principal.workspaceId, request);
        return dataResult(session, `Created session ${session.id}.`);
      }),
  );
};
