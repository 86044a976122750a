/** browser_wait_for: waits until an element (by selector or text) shows up, or goes away. */
import { z } from "zod";
import { defineTool } from "../../tools/tool";
import { describeElement, elementInput, locate, MAX_WAIT_MS, ONE_ELEMENT, oneElement, usePage, whereNow } from "./browser-tool";

const input = z
  .strictObject({
    ...elementInput,
    state: z.enum(["visible", "hidden", "attached", "detached"]).default("visible").describe("What to wait for; default: the element is visible"),
    timeoutMs: z.number().int().min(1).max(MAX_WAIT_MS).default(10_000).describe(`How long to wait, at most ${MAX_WAIT_MS} ms`),
  })
  .refine(oneElement, ONE_ELEMENT);

export const browserWaitForTool = defineTool({
  name: "browser_wait_for",
  description: `Waits until an element of the current page in this session's browser (by selector or text) is visible, hidden, attached or detached; at most ${MAX_WAIT_MS / 1000} s.`,
  inputSchema: input,
  readOnly: true,
  requiresPermission: false,
  category: "web",
  execute: ({ state, timeoutMs, ...element }, context) =>
    usePage(context, async (page) => {
      await locate(page, element).waitFor({ state, timeout: timeoutMs });
      return `The element with ${describeElement(element)} is ${state}\n${await whereNow(page)}`;
    }),
});
