/** browser_screenshot: saves a picture of the current page into the session folder. */
import { z } from "zod";
import { defineTool, ToolError } from "../../tools/tool";
import { saveInSession, selectorField, sessionFile, usePage, whereNow } from "./browser-tool";

const SCREENSHOT_MAX_BYTES = 50 * 1024 * 1024;

const input = z.strictObject({
  file_name: z.string().min(1).max(1_024).describe("Where to save it in the session folder, ending in .png, .jpg or .jpeg"),
  fullPage: z.boolean().default(false).describe("The whole scrollable page instead of the viewport"),
  selector: selectorField.optional().describe("Only this element"),
});

export const browserScreenshotTool = defineTool({
  name: "browser_screenshot",
  description:
    "Saves a screenshot of the current page of this session's browser (the viewport, the full page, or one element) as a PNG or JPEG file in the session folder, " +
    "where the user can be shown it.",
  inputSchema: input,
  // It writes only the picture the agent names, inside the session folder.
  readOnly: true,
  requiresPermission: false,
  category: "web",
  async execute({ file_name, fullPage, selector }, context) {
    const extension = /\.(png|jpe?g)$/i.exec(file_name)?.[1]?.toLowerCase();
    if (!extension) throw new ToolError(`${file_name}: a screenshot's file name ends in .png, .jpg or .jpeg`);
    const target = await sessionFile(context, file_name);
    const type = extension === "png" ? "png" : "jpeg";
    return usePage(context, async (page) => {
      const image = selector !== undefined ? await page.locator(selector).first().screenshot({ type }) : await page.screenshot({ type, fullPage });
      await saveInSession(context, target, image, SCREENSHOT_MAX_BYTES);
      return `Saved a ${type.toUpperCase()} screenshot (${image.length} bytes) to ${file_name}\n${await whereNow(page)}`;
    });
  },
});
