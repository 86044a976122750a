/** list_models: the models this deployment can run. */
import { ModelInfo } from "@mix/core";
import { z } from "zod";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const registerListModels: RegisterTool = (server, { services }) => {
  server.registerTool(
    "list_models",
    {
      title: "List models",
      description: "Lists the models this deployment offers ('ml-auto' lets the server choose).",
      inputSchema: {},
      outputSchema: { models: z.array(ModelInfo) },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    () => guarded(async () => dataResult({ models: services.models.list() })),
  );
};
