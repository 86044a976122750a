/** browser_read: the current page as text, or as its accessibility tree (roles, names, states). */
import { z } from "zod";
import { capText } from "../../tools/paths";
import { defineTool } from "../../tools/tool";
import { selectorField, usePage, whereNow } from "./browser-tool";

export const READ_MAX_CHARS = 100_000;

const input = z.strictObject({
  format: z
    .enum(["text", "accessibility"])
    .default("text")
    .describe("text: what the page shows; accessibility: its accessibility snapshot (roles and names, useful for role= selectors)"),
  selector: selectorField.optional().describe("Read only this element (default: the whole page)"),
  maxChars: z.number().int().min(100).max(READ_MAX_CHARS).default(20_000).describe("Most characters returned"),
});

export const browserReadTool = defineTool({
  name: "browser_read",
  description:
    "Reads the current page of this session's browser as it is now (after its scripts ran): its visible text, or its accessibility snapshot. " +
    `At most ${READ_MAX_CHARS} characters.`,
  inputSchema: input,
  readOnly: true,
  requiresPermission: false,
  category: "web",
  execute: ({ format, selector, maxChars }, context) =>
    usePage(context, async (page) => {
      const target = page.locator(selector ?? "body").first();
      const content = format === "text" ? await target.innerText() : await target.ariaSnapshot();
      return `${await whereNow(page)}\n\n${capText(content.trim(), maxChars)}`;
    }),
});
