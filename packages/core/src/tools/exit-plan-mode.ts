/** ExitPlanMode: hands the finished plan to the user; leaving plan mode is the caller's decision. */
import { z } from "zod";
import { defineTool } from "./tool";

const input = z.strictObject({
  plan: z.string().min(1).max(100_000).describe("The plan, in Markdown: the steps you will take once the user approves"),
});

export const EXIT_PLAN_MODE = "ExitPlanMode";

export const exitPlanModeTool = defineTool({
  name: EXIT_PLAN_MODE,
  description:
    "Call this in plan mode when your plan is ready, with the plan as Markdown. The run ends here and the user " +
    "reviews the plan; only after approval may you change files or run commands.",
  inputSchema: input,
  readOnly: true,
  requiresPermission: false,
  category: "planning",
  async execute({ plan }) {
    return plan;
  },
});
