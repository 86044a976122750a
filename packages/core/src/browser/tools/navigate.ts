/** browser_navigate: opens a URL in the session's browser (http(s) only, public hosts only for the local browser). */
import { z } from "zod";
import { defineTool, ToolError } from "../../tools/tool";
import { MAX_URL_LENGTH } from "../url-rules";
import { browserOf, MAX_WAIT_MS, usePage, whereNow } from "./browser-tool";

const input = z.strictObject({
  url: z.string().min(1).max(MAX_URL_LENGTH).describe("The http:// or https:// address to open"),
  wait_until: z
    .enum(["load", "domcontentloaded", "networkidle"])
    .default("load")
    .describe("When the navigation counts as done: the load event (default), the DOM parsed, or no network for 500 ms"),
});

export const browserNavigateTool = defineTool({
  name: "browser_navigate",
  description:
    "Opens an http(s) URL in this session's web browser (a real Chromium that runs the page's scripts) and reports where it landed. " +
    "Then read the page with browser_read, act on it with browser_click / browser_type / browser_select, or capture it with browser_screenshot. " +
    "The browser and its cookies persist across calls in this session. Public addresses only.",
  inputSchema: input,
  readOnly: false,
  requiresPermission: true,
  category: "web",
  async execute({ url, wait_until }, context) {
    // Refused before the browser opens or moves.
    const checked = await browserOf(context).checkUrl(url);
    return usePage(context, async (page) => {
      let response;
      try {
        response = await page.goto(checked.href, { waitUntil: wait_until, timeout: MAX_WAIT_MS });
      } catch (error) {
        if (/Download is starting/i.test((error as Error).message)) {
          throw new ToolError(`${checked.href} is a file download, not a page: save it with browser_download`);
        }
        throw error;
      }
      const status = response ? `HTTP ${response.status()}` : "no response (same-document navigation)";
      const lines = [`Navigated to ${checked.href}: ${status}`, await whereNow(page)];
      // The egress proxy's refusal (a redirect to a private host, a port not allowed) says why in its body.
      if (response && response.status() >= 400) lines.push(`Response: ${(await response.text()).slice(0, 500).trim()}`);
      return lines.join("\n");
    });
  },
});
