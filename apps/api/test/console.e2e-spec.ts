/**
 * The web console at /console, end to end in headless Chromium: served without a key, under its
 * own Content-Security-Policy; a person types the key, creates a session, and answers a
 * permission request and a question the agent asks; and a stream cut by a stopped API instance
 * resumes on another, showing every event exactly once.
 */
// The page functions below run in the browser, so they see its globals (document, window).
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import request from "supertest";
import { SseClient, waitFor } from "@mix/testing";
import { launchChromium, startSwitchingProxy, type SwitchingProxy } from "./helpers/console-browser";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";
import { CONSOLE_DIST } from "../src/console/console-files";
import { CONSOLE_CSP } from "../src/console/console-headers";

const SCREENSHOT = path.resolve(__dirname, "../../../docs/console.png");

let browser: Browser;
beforeAll(async () => {
  // The API serves what the console package built; without it every page here is a 404.
  if (!existsSync(path.join(CONSOLE_DIST, "index.html")))
    throw new Error("The console is not built: run `pnpm build` (or `pnpm --filter @mix/console build`) first");
  browser = await launchChromium();
});
afterAll(() => browser?.close());

interface Opened {
  page: Page;
  violations: string[];
}

async function openConsole(url: string, key: string, viewport = { width: 1180, height: 860 }): Promise<Opened> {
  const page = await browser.newPage({ viewport });
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  page.on("pageerror", (error) => violations.push(`page error: ${error.message}`));
  const answer = await page.goto(`${url}/console/`);
  expect(answer?.status()).toBe(200);
  expect(answer?.headers()["content-security-policy"]).toBe(CONSOLE_CSP);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Open console" }).click();
  return { page, violations };
}

async function createSessionInPage(page: Page, title: string): Promise<string> {
  await page.getByLabel("New session").fill(title);
  await page.getByRole("button", { name: "Create" }).click();
  await page.waitForURL(/\/console\/sessions\/[^/]+$/);
  await page.getByRole("heading", { name: title }).waitFor();
  // The stream is open once the connecting banner is gone.
  await page.getByTestId("stream-banner").waitFor({ state: "detached", timeout: 10_000 });
  return decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
}

async function sendInPage(page: Page, text: string): Promise<void> {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

describe("serving /console", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ label: "console-serve", workers: 0 });
  });
  afterAll(() => stack?.close());

  it("answers the page and its hashed assets without a key, under the console's policy", async () => {
    const page = await request(stack.apis[0]!.url).get("/console/").expect(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["content-security-policy"]).toBe(CONSOLE_CSP);
    expect(page.headers["cache-control"]).toBe("no-cache");
    expect(page.headers["x-frame-options"]).toBe("DENY");
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    const style = /href="(\/console\/assets\/[^"]+\.css)"/.exec(page.text)?.[1];
    expect(script && style).toBeTruthy();
    const js = await request(stack.apis[0]!.url).get(script!).expect(200);
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(js.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const css = await request(stack.apis[0]!.url).get(style!).expect(200);
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    // Nothing inline: the policy allows no inline script or style, and the page needs none.
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it("answers client routes with the page, and unknown files with 404, never a file outside the build", async () => {
    const url = stack.apis[0]!.url;
    for (const route of ["/console", "/console/sessions/abc", "/console/sessions/abc/"]) {
      const answer = await request(url).get(route).expect(200);
      expect(answer.text).toContain('<div id="app">');
    }
    await request(url).get("/console/assets/missing-0000.js").expect(404);
    await request(url).get("/console/nope.png").expect(404);
    for (const hostile of ["/console/..%2f..%2fpackage.json", "/console/%2e%2e/%2e%2e/api/package.json", "/console/assets/..%2f..%2f..%2fapi%2fpackage.json"]) {
      const answer = await request(url).get(hostile);
      expect(answer.text).not.toContain('"name": "@mix/');
      expect([200, 400, 404]).toContain(answer.status);
    }
    const nul = await request(url).get("/console/a%00b.js");
    expect(nul.status).toBe(400);
  });

  it("exempts the console's files only: the API beside it still needs a key", async () => {
    await request(stack.apis[0]!.url).get("/api/sessions").expect(401);
    await request(stack.apis[0]!.url).post("/console/").expect(404);
  });
});

describe("a person at the console", () => {
  let stack: TestStack;
  let proxy: SwitchingProxy;
  beforeAll(async () => {
    stack = await startTestStack({ label: "console-ui", env: { SCRIPTED_DELAY_MS: "5", SSE_RETRY_MS: "100" } });
    proxy = await startSwitchingProxy(stack.apis[0]!.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await stack?.close();
  });

  it("grants a permission and answers a question, and sees the answer in the transcript", async () => {
    const url = stack.apis[0]!.url;
    const { page, violations } = await openConsole(proxy.url, stack.key);
    // The SSE frames as the browser received them, to see the server show a waiting request again.
    const frames: { eventName: string; data: string }[] = [];
    const cdp = await page.context().newCDPSession(page);
    cdp.on("Network.eventSourceMessageReceived", (frame) => frames.push(frame));
    await cdp.send("Network.enable");
    try {
      await page.getByTestId("workspace").filter({ hasText: "console-ui-a · owner" }).waitFor();
      // The key is the tab's only: sessionStorage, never localStorage or a cookie.
      const stored = await page.evaluate(() => ({ session: Object.values(sessionStorage), local: localStorage.length, cookie: document.cookie }));
      expect(stored).toEqual({ session: [stack.key], local: 0, cookie: "" });

      const sessionId = await createSessionInPage(page, "Console e2e");
      await sendInPage(
        page,
        [
          "Write the file, then ask me",
          '@tool Write {"file_path":"a.md","content":"x"}',
          '@tool notify_user {"type":"question","title":"Pick","message":"Which?","responseType":"choice","choices":["red","blue"]}',
        ].join("\n"),
      );
      const permission = page.getByTestId("permission");
      await permission.waitFor({ timeout: 15_000 });
      await expect(permission.textContent()).resolves.toContain("Write");
      // The stream is cut while the request waits: on reconnecting, the server shows it again
      // (with the resume id, not its own), and the page still shows it once.
      const permissionFrames = () => frames.filter((frame) => frame.eventName === "permission").length;
      expect(permissionFrames()).toBe(1);
      proxy.switchTo(url);
      await waitFor(() => permissionFrames() === 2, { what: "the waiting request to be shown again" });
      await page.getByTestId("stream-banner").waitFor({ state: "detached" });
      expect(await page.getByTestId("permission").count()).toBe(1);
      // Keyboard-reachable: a real button, pressed with Enter.
      await permission.getByRole("button", { name: "Grant", exact: true }).focus();
      await page.keyboard.press("Enter");
      await expect(permission.getByTestId("permission-answer").textContent()).resolves.toBe("Granted");

      const question = page.getByTestId("notification");
      await question.waitFor({ timeout: 15_000 });
      await expect(question.getByRole("heading").textContent()).resolves.toBe("Pick");
      await question.getByRole("button", { name: "blue" }).click();
      await expect(question.getByTestId("notification-answer").textContent()).resolves.toBe("Answered: blue");

      // The run ends: the stored results come in, the file shows, the usage is refreshed.
      const notifyResult = page.locator("[data-testid=tool-call][data-tool-name=notify_user] [data-testid=tool-result]");
      await waitFor(async () => /blue/.test((await notifyResult.textContent({ timeout: 500 })) ?? ""), {
        timeoutMs: 15_000,
        what: "the answer in the tool result",
      });
      await page.getByTestId("file").filter({ hasText: "a.md" }).waitFor();
      await waitFor(async () => /[1-9]\d* in/.test((await page.getByTestId("usage").textContent()) ?? ""), { what: "the session's tokens" });

      const stored2 = await request(url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200);
      const calls = stored2.body.flatMap((message: { toolCalls?: { name: string; result?: string }[] }) => message.toolCalls ?? []);
      expect(calls.map((call: { name: string }) => call.name).sort()).toEqual(["Write", "notify_user"]);
      expect(calls.find((call: { name: string }) => call.name === "notify_user").result).toMatch(/blue/);

      // The README's picture: refreshed only when asked (UPDATE_CONSOLE_SCREENSHOT=1), so a test run leaves the tree as it was.
      const shot = await page.screenshot({ fullPage: true });
      expect(shot.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
      if (process.env.UPDATE_CONSOLE_SCREENSHOT === "1") {
        await mkdir(path.dirname(SCREENSHOT), { recursive: true });
        await writeFile(SCREENSHOT, shot);
      }

      // Usable at 380 px: one column, nothing wider than the screen.
      await page.setViewportSize({ width: 380, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      expect(violations).toEqual([]);
    } finally {
      await page.close();
    }
  });
  it("groups a subagent's work under its Task call, shows files from blobs, and forks, rewinds, exports and deletes", async () => {
    const url = stack.apis[0]!.url;
    await request(url).put("/api/permissions/policy").set(bearer(stack.key)).send({ tools: [] }).expect(200);
    const { page, violations } = await openConsole(proxy.url, stack.key);
    page.on("dialog", (dialog) => void dialog.accept());
    try {
      const sessionId = await createSessionInPage(page, "Subagent and files");
      await sendInPage(page, '@tool Task {"description":"Look around","prompt":"Say hello from the subagent"}');
      const task = page.locator("[data-testid=tool-call][data-tool-name=Task]");
      const inner = task.locator(".subagent [data-testid=assistant-step]");
      await inner.first().waitFor({ timeout: 15_000 });
      await waitFor(async () => /subagent/.test((await inner.last().textContent()) ?? ""), { what: "the subagent's answer under its Task call" });
      await waitFor(async () => /done/.test((await task.locator(".tool-state").first().textContent()) ?? ""), {
        timeoutMs: 15_000,
        what: "the Task call to end",
      });
      // The subagent's steps are not top-level steps of the session.
      const idsOf = (selector: string) => page.locator(selector).evaluateAll((els) => els.map((el) => el.getAttribute("data-step-id")));
      const innerIds = await idsOf("[data-tool-name=Task] .subagent [data-testid=assistant-step]");
      const topIds = await idsOf(".transcript > [data-testid=assistant-step]");
      expect(innerIds.length).toBeGreaterThan(0);
      expect(topIds.filter((id) => innerIds.includes(id))).toEqual([]);

      // Upload an image: its thumbnail and preview come from blob: URLs fetched with the key.
      const png = await sharp({ create: { width: 400, height: 200, channels: 3, background: "#c00" } })
        .png()
        .toBuffer();
      await page.setInputFiles("#upload", { name: "red.png", mimeType: "image/png", buffer: png });
      const thumb = page.getByTestId("file").filter({ hasText: "red.png" }).locator("img.thumb");
      await thumb.waitFor();
      await waitFor(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { what: "the thumbnail to load" });
      expect(await thumb.evaluate((img: HTMLImageElement) => [img.src.startsWith("blob:"), img.naturalWidth])).toEqual([true, 200]);
      await page.getByRole("button", { name: "red.png" }).click();
      const preview = page.getByRole("region", { name: "Preview of red.png" }).locator("img");
      await waitFor(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { what: "the preview to load" });
      expect(await preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(400);

      // Export downloads the transcript.
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export" }).click()]);
      expect(download.suggestedFilename()).toBe(`session-${sessionId}.json`);
      const exported = JSON.parse(await readFile((await download.path())!, "utf8"));
      expect(exported).toMatchObject({ id: sessionId, title: "Subagent and files" });

      // Fork from the first message: a new session holding that message only.
      await page.getByRole("button", { name: "Fork from here" }).first().click();
      await page.waitForURL((at) => !at.pathname.endsWith(sessionId));
      const forkId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
      await waitFor(async () => (await page.getByTestId("user-message").count()) === 1 && (await page.getByTestId("assistant-step").count()) === 0, {
        what: "the fork's transcript",
      });
      // Delete the fork (the confirm is accepted).
      await page.getByRole("button", { name: "Delete" }).click();
      await page.waitForURL((at) => at.pathname === "/console/");
      await request(url).get(`/api/sessions/${forkId}`).set(bearer(stack.key)).expect(404);

      // Rewind the original to its first message: everything after it goes.
      await page.getByRole("link", { name: /Subagent and files/ }).click();
      await page.getByRole("button", { name: "Rewind to here" }).first().click();
      await waitFor(async () => (await page.getByTestId("assistant-step").count()) === 0 && (await page.getByTestId("user-message").count()) === 1, {
        what: "the rewound transcript",
      });
      const left = await request(url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200);
      expect(left.body.map((message: { role: string }) => message.role)).toEqual(["user"]);
      expect(violations).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

/** Records each "Disconnected" banner the page shows, however briefly. */
async function watchBanners(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen = ((window as unknown as { bannersSeen: string[] }).bannersSeen = [] as string[]);
    new MutationObserver(() => {
      const banner = document.querySelector("[data-testid=stream-banner]");
      if (banner?.textContent?.startsWith("Disconnected")) seen.push(banner.textContent);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { bannersSeen: string[] }).bannersSeen);
}

const maxRenderedDeltas = (page: Page) =>
  page.evaluate(() => Math.max(0, ...[...document.querySelectorAll("[data-deltas]")].map((el) => Number(el.getAttribute("data-deltas")))));

/**
 * Once the run is over: every stored step is shown once, its text exactly the stored text, with
 * as many content deltas as the session's event log holds for it; every tool call once.
 */
async function expectEveryEventOnce(page: Page, apiUrl: string, key: string, sessionId: string, expectedSteps: number): Promise<void> {
  const log = await SseClient.connect(`${apiUrl}/stream?sessionId=${sessionId}`, { headers: bearer(key), lastEventId: "0" });
  try {
    await log.waitForEvent((event) => event.event === "complete", 20_000, "the run to complete");
    const stored = (await request(apiUrl).get(`/api/sessions/${sessionId}/messages`).set(bearer(key)).expect(200)).body as {
      id: string;
      role: string;
      assistantResponse?: string;
      toolCalls?: { id: string }[];
    }[];
    const steps = stored.filter((message) => message.role === "assistant");
    expect(steps.length).toBe(expectedSteps);
    const deltasOf = (id: string) => log.logEvents.filter((event) => event.event === "content" && event.data.assistantMessageId === id).length;
    const last = steps.at(-1)!;
    expect(deltasOf(last.id)).toBeGreaterThan(100);

    await waitFor(
      async () => (await page.locator(`[data-step-id="${last.id}"] [data-testid=step-text]`).textContent({ timeout: 500 })) === last.assistantResponse,
      {
        timeoutMs: 20_000,
        what: "the page to show the whole answer",
      },
    );
    const rendered = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>("[data-testid=assistant-step]")].map((el) => ({
        id: el.dataset.stepId,
        deltas: Number(el.dataset.deltas),
        text: el.querySelector("[data-testid=step-text]")?.textContent ?? "",
      })),
    );
    expect(rendered.map((step) => step.id)).toEqual(steps.map((step) => step.id));
    for (const step of steps) {
      const shown = rendered.find((entry) => entry.id === step.id)!;
      expect(shown.text).toBe(step.assistantResponse ?? "");
      expect(shown.deltas).toBe(deltasOf(step.id));
    }
    const callIds = await page.locator("[data-testid=tool-call]").evaluateAll((els) => els.map((el) => el.getAttribute("data-tool-call-id")));
    expect(callIds).toEqual(steps.flatMap((step) => (step.toolCalls ?? []).map((call) => call.id)));
    expect(await page.getByTestId("user-message").count()).toBe(1);
  } finally {
    log.close();
  }
}

/** The status a stream URL answers with, without staying on the stream. */
async function streamStatus(streamUrl: string): Promise<number> {
  const controller = new AbortController();
  const answer = await fetch(streamUrl, { signal: controller.signal });
  controller.abort();
  return answer.status;
}

const SLOW_RUN = { SCRIPTED_DELAY_MS: "15", SCRIPTED_CONTENT_DELTAS: "200", SCRIPTED_REASONING_DELTAS: "3" };

describe("a stream cut by a stopped API instance", () => {
  let stack: TestStack;
  let proxy: SwitchingProxy;
  beforeAll(async () => {
    stack = await startTestStack({ label: "console-failover", apiInstances: 2, env: SLOW_RUN });
    proxy = await startSwitchingProxy(stack.apis[0]!.url);
    await request(stack.apis[0]!.url).put("/api/permissions/policy").set(bearer(stack.key)).send({ tools: [] }).expect(200);
  });
  afterAll(async () => {
    await proxy?.close();
    await stack?.close();
  });

  it("resumes on the other instance and shows every event exactly once", async () => {
    const [a, b] = [stack.apis[0]!, stack.apis[1]!];
    const { page, violations } = await openConsole(proxy.url, stack.key);
    try {
      const sessionId = await createSessionInPage(page, "Failover");
      const banners = await watchBanners(page);
      await sendInPage(page, 'Count to two hundred\n@tool Glob {"pattern":"*"}');
      await waitFor(async () => (await maxRenderedDeltas(page)) >= 30, { timeoutMs: 15_000, what: "the answer to be streaming" });

      // Instance A stops: its streams are cut, and new connections reach B.
      proxy.switchTo(b.url);
      stack.apis.splice(0, 1);
      await a.api.close();
      expect(await maxRenderedDeltas(page)).toBeLessThan(200);

      await expectEveryEventOnce(page, b.url, stack.key, sessionId, 2);
      // The cut was shown while it lasted, and is gone now.
      expect((await banners()).length).toBeGreaterThan(0);
      await page.getByTestId("stream-banner").waitFor({ state: "detached" });
      expect(proxy.forwarded.get(b.url) ?? 0).toBeGreaterThan(0);
      expect(violations).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe("a stream whose token expired", () => {
  let stack: TestStack;
  let proxy: SwitchingProxy;
  beforeAll(async () => {
    stack = await startTestStack({ label: "console-token", env: { ...SLOW_RUN, STREAM_TOKEN_TTL_MS: "1000", SSE_RETRY_MS: "100" } });
    proxy = await startSwitchingProxy(stack.apis[0]!.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await stack?.close();
  });

  it("mints a new token when EventSource's own reconnect is refused, and resumes from the last event held", async () => {
    const url = stack.apis[0]!.url;
    const { page, violations } = await openConsole(proxy.url, stack.key);
    try {
      const minted: number[] = [];
      const streamAnswers: number[] = [];
      let heldToken: string | undefined;
      page.on("request", (sent) => {
        if (sent.method() === "POST" && sent.url().endsWith("/stream-token")) minted.push(Date.now());
        if (sent.url().includes("/stream?")) heldToken ??= new URL(sent.url()).searchParams.get("token") ?? undefined;
      });
      page.on("response", (answer) => {
        if (answer.url().includes("/stream?")) streamAnswers.push(answer.status());
      });
      const sessionId = await createSessionInPage(page, "Expiring token");
      const banners = await watchBanners(page);
      await sendInPage(page, "Count slowly");
      await waitFor(async () => (await maxRenderedDeltas(page)) >= 20, { timeoutMs: 15_000, what: "the answer to be streaming" });
      await waitFor(() => heldToken, { what: "the page's stream token" });
      // Once the page's token has lapsed, cutting the stream makes EventSource retry with it, and fail.
      await waitFor(async () => (await streamStatus(`${url}/stream?sessionId=${sessionId}&token=${encodeURIComponent(heldToken!)}`)) === 401, {
        what: "the page's token to expire",
      });
      proxy.switchTo(url);

      await expectEveryEventOnce(page, url, stack.key, sessionId, 1);
      // The first token, then at least one more after the refusal.
      expect(minted.length).toBeGreaterThanOrEqual(2);
      expect(streamAnswers).toContain(401);
      expect((await banners()).length).toBeGreaterThan(0);
      expect(violations).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
