/** What the browser tools share: reaching the session's page, finding an element, and saving into the session folder. */
import type { Readable } from "node:stream";
import type { Locator, Page } from "playwright-core";
import { z } from "zod";
import { AppError } from "../../errors/app-error";
import { writeFileAtomic } from "../../storage/atomic-write";
import { agentPath, sessionRoot } from "../../tools/paths";
import { ToolError, type ToolContext } from "../../tools/tool";
import type { BrowserAccess } from "../browser-access";

export const MAX_SELECTOR_CHARS = 2_000;
export const MAX_WAIT_MS = 30_000;

export const selectorField = z
  .string()
  .min(1)
  .max(MAX_SELECTOR_CHARS)
  .describe('A Playwright selector: CSS (`#email`, `form button[type=submit]`), `text=Sign in`, `role=button[name="OK"]` or `xpath=//a`');
export const textField = z.string().min(1).max(MAX_SELECTOR_CHARS).describe("Visible text of the element (the first one containing it)");

/** An element named by exactly one of `selector` and `text`. */
export const elementInput = { selector: selectorField.optional(), text: textField.optional() };
export const oneElement = (value: { selector?: string | undefined; text?: string | undefined }) =>
  (value.selector === undefined) !== (value.text === undefined);
export const ONE_ELEMENT = { message: "Give exactly one of selector and text" };

/** The session's browser port; a ToolError where the run has none. */
export function browserOf(context: ToolContext): BrowserAccess {
  if (!context.browser) throw new ToolError("No browser is available in this run");
  return context.browser;
}

/**
 * Runs `use` on the session's current page. What Playwright reports (a timeout, a selector that
 * does not parse, a page that went away) is the model's to act on, so it becomes a tool error.
 */
export async function usePage<T>(context: ToolContext, use: (page: Page) => Promise<T>): Promise<T> {
  const browser = browserOf(context);
  try {
    return await browser.withPage(context.signal, use);
  } catch (error) {
    if (context.signal.aborted || error instanceof ToolError || error instanceof AppError || !(error instanceof Error)) throw error;
    throw new ToolError(playwrightMessage(error));
  }
}

/** Playwright's message without its call log (which names internals, not the page). */
export function playwrightMessage(error: Error): string {
  const [first] = error.message.split("\nCall log:");
  return (first ?? error.message).trim().slice(0, 2_000);
}

export function locate(page: Page, element: { selector?: string | undefined; text?: string | undefined }): Locator {
  return element.selector !== undefined ? page.locator(element.selector).first() : page.getByText(element.text!).first();
}

export const describeElement = (element: { selector?: string | undefined; text?: string | undefined }) =>
  element.selector !== undefined ? `selector ${JSON.stringify(element.selector)}` : `text ${JSON.stringify(element.text)}`;

/** Where the page is now, for the end of a tool's answer. */
export async function whereNow(page: Page): Promise<string> {
  const title = await page.title();
  return `Page: ${page.url()}${title ? ` ("${title.slice(0, 200)}")` : ""}`;
}

/** The checked path of a file the agent names in the session folder (the file tools' rules: links it planted are not followed). */
export function sessionFile(context: ToolContext, fileName: string): Promise<string> {
  return agentPath(context, fileName);
}

/** Writes into the session folder by the file tools' rules: a new file renamed over the target, never written through a link. */
export async function saveInSession(context: ToolContext, target: string, data: Buffer | Readable, maxBytes: number): Promise<void> {
  await writeFileAtomic(await sessionRoot(context), target, data, { owner: context.sandbox.fileOwner, maxBytes });
}
