/** browser_scroll: scrolls the current page by an amount, or an element into view. */
import { z } from "zod";
import { defineTool } from "../../tools/tool";
import { selectorField, usePage } from "./browser-tool";

const input = z.strictObject({
  direction: z.enum(["up", "down", "left", "right"]).default("down"),
  amount: z.number().int().min(1).max(100_000).default(600).describe("Pixels to scroll"),
  selector: selectorField.optional().describe("Scroll this element into view instead (direction and amount are then ignored)"),
});

const STEP: Record<"up" | "down" | "left" | "right", [number, number]> = { up: [0, -1], down: [0, 1], left: [-1, 0], right: [1, 0] };

export const browserScrollTool = defineTool({
  name: "browser_scroll",
  description:
    "Scrolls the current page of this session's browser (default 600 px down), or brings the element a selector names into view; reports the scroll position.",
  inputSchema: input,
  // It moves the viewport only; what a page loads on scrolling is the page's own doing, as on browser_read.
  readOnly: true,
  requiresPermission: false,
  category: "web",
  execute: ({ direction, amount, selector }, context) =>
    usePage(context, async (page) => {
      if (selector !== undefined) await page.locator(selector).first().scrollIntoViewIfNeeded();
      else {
        const [dx, dy] = STEP[direction];
        // Page code as text: core is compiled without the DOM's types (both numbers are checked integers).
        await page.evaluate(`window.scrollBy(${dx * amount}, ${dy * amount})`);
      }
      const at = await page.evaluate<{ x: number; y: number; height: number; viewport: number }>(
        "({ x: Math.round(window.scrollX), y: Math.round(window.scrollY), height: document.documentElement.scrollHeight, viewport: window.innerHeight })",
      );
      return `Scrolled ${selector !== undefined ? `${JSON.stringify(selector)} into view` : `${amount} px ${direction}`}: now at x=${at.x}, y=${at.y} of a page ${at.height} px high (viewport ${at.viewport} px)`;
    }),
});
