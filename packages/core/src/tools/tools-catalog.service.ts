/**
 * What the tools endpoints report, read from the real tool registry (never a hand-kept list).
 * No built-in tool needs an external credential yet, so the credentials status lists none.
 */
import type { ToolCredentialsStatusResponse, ToolsListResponse, ToolsStatusResponse } from "../contracts";
import type { ToolCategory } from "./tool";
import { inputJsonSchema } from "./tool";
import type { ToolRegistry } from "./tool-registry";

const CATEGORY_NAMES: Record<ToolCategory, string> = {
  shell: "Shell",
  files: "Files",
  search: "Search",
  web: "Web",
  planning: "Planning",
  interaction: "Interaction",
  mcp: "MCP servers",
};

const displayName = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1 $2");

export class ToolsCatalogService {
  constructor(private readonly registry: ToolRegistry) {}

  list(): ToolsListResponse {
    return {
      tools: this.registry.list().map((tool) => {
        const parameters = inputJsonSchema(tool);
        const required = Array.isArray(parameters.required) ? (parameters.required as string[]) : [];
        return { name: tool.name, description: tool.description, parameters, required };
      }),
    };
  }

  status(): ToolsStatusResponse {
    const categories: ToolsStatusResponse["categories"] = {};
    for (const tool of this.registry.list()) {
      const category = (categories[tool.category] ??= { display_name: CATEGORY_NAMES[tool.category], tools: [] });
      category.tools.push({
        display_name: displayName(tool.name),
        description: tool.description,
        provider: "builtin",
        api_key_required: false,
        authenticated: true,
      });
    }
    return { categories };
  }

  credentialsStatus(): ToolCredentialsStatusResponse {
    return { categories: {} };
  }
}
