/** list_models: the models this deployment can run, marked by the workspace's plan. */
import { ModelInfo } from "@mix/core";
import { z } from "zod";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const registerListModels: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "list_models",
    {
      title: "List models",
      description: "Lists the models this deployment offers ('ml-auto' lets the server choose); requiresPaid marks those the workspace's plan lacks.",
      inputSchema: {},
      outputSchema: { models: z.array(ModelInfo) },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    () => guarded(async () => dataResult({ models: await services.workspacePlan.models(principal.workspaceId) })),
  );
};
