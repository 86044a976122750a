/** browser_type: fills a text field of the current page, optionally pressing Enter after. */
import { z } from "zod";
import { defineTool } from "../../tools/tool";
import { selectorField, usePage, whereNow } from "./browser-tool";

export const TYPE_MAX_CHARS = 100_000;

const input = z.strictObject({
  selector: selectorField,
  text: z.string().max(TYPE_MAX_CHARS).describe("What the field holds afterwards (it replaces what was there)"),
  submit: z.boolean().default(false).describe("Press Enter in the field afterwards (submits most forms)"),
});

export const browserTypeTool = defineTool({
  name: "browser_type",
  description:
    "Fills an input, textarea or editable element of the current page in this session's browser, replacing its content; submit: true presses Enter after.",
  inputSchema: input,
  readOnly: false,
  requiresPermission: true,
  category: "web",
  execute: ({ selector, text, submit }, context) =>
    usePage(context, async (page) => {
      const field = page.locator(selector).first();
      await field.fill(text);
      if (submit) {
        await field.press("Enter");
        await page.waitForLoadState("load");
      }
      return `Typed ${text.length} characters into ${JSON.stringify(selector)}${submit ? " and pressed Enter" : ""}\n${await whereNow(page)}`;
    }),
});
