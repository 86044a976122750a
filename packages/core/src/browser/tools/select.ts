/** browser_select: chooses options of a <select> of the current page. */
import { z } from "zod";
import { defineTool, ToolError } from "../../tools/tool";
import { selectorField, usePage } from "./browser-tool";

const option = z.string().max(1_000);
const input = z.strictObject({
  selector: selectorField,
  value: z.union([option, z.array(option).min(1).max(100)]).describe("The option's value or label; several for a multiple select"),
});

export const browserSelectTool = defineTool({
  name: "browser_select",
  description:
    "Selects an option (by its value or its label) of a <select> element of the current page in this session's browser; several for a multiple select.",
  inputSchema: input,
  readOnly: false,
  requiresPermission: true,
  category: "web",
  execute: ({ selector, value }, context) =>
    usePage(context, async (page) => {
      const selected = await page.locator(selector).first().selectOption(value);
      if (selected.length === 0) throw new ToolError(`No option matching ${JSON.stringify(value)} in ${JSON.stringify(selector)}`);
      return `Selected ${selected.map((entry) => JSON.stringify(entry)).join(", ")} in ${JSON.stringify(selector)}`;
    }),
});
