/**
 * Task: hands a self-contained piece of work to a subagent, which runs in its own child session
 * with the same tools (except Task) and the same folder, and returns its final report. Built
 * per run, because the subagent runs inside the run that asked for it.
 */
import { z } from "zod";
import { defineTool, type Tool, type ToolContext, type ToolResult } from "./tool";

export const TASK_TOOL_NAME = "Task";

const input = z.strictObject({
  description: z.string().min(1).max(200).describe("A short (3-7 words) name for the task, shown to the user"),
  prompt: z.string().min(1).max(100_000).describe("Everything the subagent needs to know: it sees nothing of this conversation"),
  subagent_type: z.literal("general-purpose").optional().describe("The kind of subagent; only general-purpose exists"),
});
export type TaskInput = z.output<typeof input>;

export type RunSubagent = (task: TaskInput, context: ToolContext) => Promise<ToolResult>;

export function createTaskTool(runSubagent: RunSubagent): Tool {
  return defineTool({
    name: TASK_TOOL_NAME,
    description:
      "Starts a subagent for a self-contained task (research across many files, a focused change) and returns its final " +
      "report. The subagent works in the same session folder with the same tools, asks permission the same way, and " +
      "cannot start subagents itself. Give it a complete prompt: it does not see this conversation.",
    inputSchema: input,
    // Its subagent obeys plan mode itself, so planning may delegate research.
    readOnly: true,
    requiresPermission: false,
    category: "planning",
    execute: (task, context) => runSubagent(task, context),
  });
}
