/** browser_click: clicks an element of the current page, found by selector or by its text. */
import { z } from "zod";
import { defineTool } from "../../tools/tool";
import { describeElement, elementInput, locate, ONE_ELEMENT, oneElement, usePage, whereNow } from "./browser-tool";

const input = z.strictObject(elementInput).refine(oneElement, ONE_ELEMENT);

export const browserClickTool = defineTool({
  name: "browser_click",
  description:
    "Clicks an element of the current page in this session's browser, named by a selector or by its visible text (the first match). " +
    "Waits for the element to be visible and enabled, then for a navigation the click starts to load.",
  inputSchema: input,
  readOnly: false,
  requiresPermission: true,
  category: "web",
  execute: (element, context) =>
    usePage(context, async (page) => {
      await locate(page, element).click();
      await page.waitForLoadState("load");
      return `Clicked the element with ${describeElement(element)}\n${await whereNow(page)}`;
    }),
});
