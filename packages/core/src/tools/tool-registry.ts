/** All built-in agent tools in one place, and their definitions as a model sees them. */
import { BROWSER_TOOLS } from "../browser/tools";
import type { Config } from "../config/config";
import type { ToolDefinition } from "../models/model-provider";
import { bashTool } from "./bash";
import { editTool } from "./edit";
import { exitPlanModeTool } from "./exit-plan-mode";
import { globTool } from "./glob";
import { grepTool } from "./grep";
import { knowledgeSearchTool } from "./knowledge-search";
import { lsTool } from "./ls";
import { notifyTool } from "./notify";
import { pythonExecutionTool } from "./python-execution";
import { readMediaTool } from "./read-media";
import { readTextTool } from "./read-text";
import { searchTool } from "./search";
import { showTool } from "./show";
import { createTaskTool } from "./task";
import { todoWriteTool } from "./todo-write";
import { failed, inputJsonSchema, type Tool, type ToolContext, type ToolLimits, type ToolResult } from "./tool";
import { webFetchTool } from "./web-fetch";
import { writeTool } from "./write";

/**
 * Task as listed (GET /api/tools) and named in permission policies; each run replaces it with
 * one bound to that run, since a subagent runs inside the run that starts it.
 */
export const UNBOUND_TASK_TOOL = createTaskTool(async () => failed("The Task tool runs only inside an agent run"));

export const BUILTIN_TOOLS: readonly Tool[] = [
  bashTool,
  pythonExecutionTool,
  readTextTool,
  writeTool,
  editTool,
  globTool,
  grepTool,
  lsTool,
  webFetchTool,
  searchTool,
  knowledgeSearchTool,
  todoWriteTool,
  exitPlanModeTool,
  notifyTool,
  UNBOUND_TASK_TOOL,
  readMediaTool,
  showTool,
  ...BROWSER_TOOLS,
];

export function toolLimits(config: Pick<Config, "FETCH_ALLOW_PRIVATE_NETWORKS">): ToolLimits {
  return { allowPrivateNetworks: config.FETCH_ALLOW_PRIVATE_NETWORKS };
}

export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();

  constructor(tools: readonly Tool[] = BUILTIN_TOOLS) {
    for (const tool of tools) {
      // A second tool of the same name would shadow the first without anyone noticing.
      if (this.tools.has(tool.name)) throw new Error(`Duplicate tool name: ${tool.name}`);
      this.tools.set(tool.name, tool);
    }
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  list(): Tool[] {
    return [...this.tools.values()];
  }

  /** What the model is offered; plan mode offers the read-only tools only. */
  definitions(options: { planMode: boolean }): ToolDefinition[] {
    return this.list()
      .filter((tool) => !options.planMode || tool.readOnly)
      .map((tool) => ({ name: tool.name, description: tool.description, inputSchema: inputJsonSchema(tool) }));
  }

  /** Runs a model's tool call (input as JSON text); an unknown tool or bad JSON is an error result. */
  async run(name: string, inputJson: string, context: ToolContext): Promise<ToolResult> {
    const tool = this.tools.get(name);
    if (!tool) return failed(this.unknownTool(name));
    const parsed = parseToolInput(name, inputJson);
    return parsed.ok ? tool.run(parsed.input, context) : failed(parsed.error);
  }

  /** What the model is told when it calls a tool it was not offered. */
  unknownTool(name: string): string {
    return `Unknown tool ${name}; available: ${[...this.tools.keys()].join(", ")}`;
  }
}

/** A model's tool input, sent as JSON text, as a value (an empty input is `{}`). */
export function parseToolInput(name: string, inputJson: string): { ok: true; input: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, input: inputJson.trim() === "" ? {} : JSON.parse(inputJson) };
  } catch (error) {
    return { ok: false, error: `The input of ${name} is not valid JSON: ${(error as Error).message}` };
  }
}
