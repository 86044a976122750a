/**
 * browser_download: saves a file the browser fetches (a URL, or the link a selector names on the
 * current page) into the session folder, by the file tools' path rules.
 */
import { lstat } from "node:fs/promises";
import type { Download, Page } from "playwright-core";
import { z } from "zod";
import { defineTool, ToolError, type ToolContext } from "../../tools/tool";
import { MAX_URL_LENGTH } from "../url-rules";
import { browserOf, MAX_WAIT_MS, saveInSession, selectorField, sessionFile, usePage } from "./browser-tool";

export const DOWNLOAD_MAX_BYTES = 100 * 1024 * 1024;

const input = z
  .strictObject({
    url: z.string().min(1).max(MAX_URL_LENGTH).optional().describe("The http(s) address of the file"),
    selector: selectorField.optional().describe("A link or button of the current page that starts the download"),
    file_name: z.string().min(1).max(1_024).describe("Where to save it in the session folder"),
  })
  .refine((value) => (value.url === undefined) !== (value.selector === undefined), { message: "Give exactly one of url and selector" });

export const browserDownloadTool = defineTool({
  name: "browser_download",
  description:
    "Downloads a file with this session's browser (its cookies and login apply) into the session folder: from a URL, or by clicking the link a selector names. " +
    `At most ${DOWNLOAD_MAX_BYTES / 1024 / 1024} MB within ${MAX_WAIT_MS / 1000} s.`,
  inputSchema: input,
  readOnly: false,
  requiresPermission: true,
  category: "web",
  async execute({ url, selector, file_name }, context) {
    // Before anything is fetched: a name that leaves the session folder is refused outright.
    const target = await sessionFile(context, file_name);
    const checked = url !== undefined ? await browserOf(context).checkUrl(url) : undefined;
    return usePage(context, async (page) => {
      const size = checked !== undefined ? await fromUrl(page, checked, target, context) : await fromLink(page, selector!, target, context);
      return `Saved ${size} bytes to ${file_name}`;
    });
  },
});

/** In a page of its own, so the agent's page stays where it was; a page (not a download) is saved as its body. */
async function fromUrl(page: Page, url: URL, target: string, context: ToolContext): Promise<number> {
  const tab = await page.context().newPage();
  try {
    const downloads: Download[] = [];
    tab.on("download", (download) => downloads.push(download));
    let response;
    try {
      response = await tab.goto(url.href, { timeout: MAX_WAIT_MS });
    } catch (error) {
      if (!/Download is starting/i.test((error as Error).message)) throw error;
    }
    if (response === undefined || response === null) {
      return save(downloads[0] ?? (await tab.waitForEvent("download", { timeout: MAX_WAIT_MS })), target, context);
    }
    if (!response.ok()) throw new ToolError(`${url.href} answered HTTP ${response.status()}: ${(await response.text()).slice(0, 300).trim()}`);
    const declared = Number(response.headers()["content-length"] ?? 0);
    if (declared > DOWNLOAD_MAX_BYTES) throw new ToolError(`${url.href} is ${declared} bytes, more than ${DOWNLOAD_MAX_BYTES}`);
    const body = await response.body();
    await saveInSession(context, target, body, DOWNLOAD_MAX_BYTES);
    return body.length;
  } finally {
    await tab.close();
  }
}

async function fromLink(page: Page, selector: string, target: string, context: ToolContext): Promise<number> {
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: MAX_WAIT_MS }), page.locator(selector).first().click()]);
  return save(download, target, context);
}

async function save(download: Download, target: string, context: ToolContext): Promise<number> {
  // Resolves once the download has finished; its file is then read from where the browser keeps it.
  const failure = await download.failure();
  if (failure) throw new ToolError(`The download of ${download.url()} failed: ${failure}`);
  await saveInSession(context, target, await download.createReadStream(), DOWNLOAD_MAX_BYTES);
  // The file just renamed into place; a link swapped in meanwhile is measured, not followed.
  return (await lstat(target)).size;
}
