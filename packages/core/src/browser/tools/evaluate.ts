/** browser_evaluate: runs a short JavaScript expression in the current page and returns its result as JSON. */
import { z } from "zod";
import { capText } from "../../tools/paths";
import { defineTool, ToolError } from "../../tools/tool";
import { usePage } from "./browser-tool";

export const EVALUATE_MAX_SCRIPT = 2_000;
export const EVALUATE_MAX_RESULT = 20_000;
export const EVALUATE_TIMEOUT_MS = 10_000;

const input = z.strictObject({
  script: z
    .string()
    .min(1)
    .max(EVALUATE_MAX_SCRIPT)
    .describe("A JavaScript expression evaluated in the page, e.g. `document.title` or `(() => { ...; return x; })()`; a promise is awaited"),
});

export const browserEvaluateTool = defineTool({
  name: "browser_evaluate",
  description:
    `Evaluates a JavaScript expression (at most ${EVALUATE_MAX_SCRIPT} characters) in the current page of this session's browser and returns its JSON-serialisable result ` +
    `(at most ${EVALUATE_MAX_RESULT} characters, within ${EVALUATE_TIMEOUT_MS / 1000} s). It runs with the page's rights, nothing more.`,
  inputSchema: input,
  readOnly: false,
  requiresPermission: true,
  category: "web",
  execute: ({ script }, context) =>
    usePage(context, async (page) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ToolError(`The script ran longer than ${EVALUATE_TIMEOUT_MS / 1000} s; the page was closed`)), EVALUATE_TIMEOUT_MS);
      });
      try {
        const value: unknown = await Promise.race([page.evaluate(script), timeout]);
        const json = JSON.stringify(value);
        return capText(json === undefined ? "undefined" : json, EVALUATE_MAX_RESULT);
      } catch (error) {
        // A script that never returns keeps the page's renderer busy: it is closed, and the next call gets a fresh page.
        if (error instanceof ToolError) await page.close({ runBeforeUnload: false });
        throw error;
      } finally {
        clearTimeout(timer);
      }
    }),
});
