/**
 * A browser app on another origin, in real headless Chromium: with nothing but fetch and
 * EventSource it creates a session, streams it with a stream token, sends a message and sees
 * the reply; an origin the API does not list is blocked by the browser itself.
 */
/// <reference lib="dom" />
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { launchChromium } from "./helpers/console-browser";
import { startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let browser: Browser;
let allowedApp: http.Server;
let otherApp: http.Server;

/** A page of the "app": served by its own server, so its origin differs from the API's (another port). */
function startApp(): Promise<http.Server> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end("<!doctype html><title>app</title><p>app</p>");
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
const originOf = (server: http.Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  [allowedApp, otherApp] = await Promise.all([startApp(), startApp()]);
  stack = await startTestStack({ label: "cross-origin", env: { CORS_ORIGINS: originOf(allowedApp) } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  for (const server of [allowedApp, otherApp]) server?.close();
});

/** Runs in the app's page: what a team's web app would write. */
async function converse({ api, key }: { api: string; key: string }): Promise<{ events: string[]; reply: string; ids: number[] }> {
  const json = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };
  const session = await (await fetch(`${api}/api/sessions`, { method: "POST", headers: json, body: JSON.stringify({ title: "From another origin" }) })).json();
  const { token } = await (
    await fetch(`${api}/api/sessions/${session.id}/stream-token`, { method: "POST", headers: { Authorization: `Bearer ${key}` } })
  ).json();
  const source = new EventSource(`${api}/stream?sessionId=${session.id}&token=${encodeURIComponent(token)}`);
  const events: string[] = [];
  const ids: number[] = [];
  let reply = "";
  const done = new Promise<void>((resolve, reject) => {
    const seen = (name: string) => (event: MessageEvent) => {
      events.push(name);
      if (event.lastEventId) ids.push(Number(event.lastEventId));
      const data = JSON.parse(event.data);
      if (name === "content") reply += data.content;
      if (name === "complete") resolve();
    };
    for (const name of ["connected", "user_message_created", "content", "complete"]) source.addEventListener(name, seen(name) as EventListener);
    source.onerror = () => (source.readyState === EventSource.CLOSED ? reject(new Error("the stream was refused")) : undefined);
  });
  await new Promise<void>((resolve) => source.addEventListener("connected", () => resolve(), { once: true }));
  const sent = await fetch(`${api}/api/sessions/${session.id}/messages`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ text: "hello from a web app" }),
  });
  if (sent.status !== 202) throw new Error(`send answered ${sent.status}`);
  await done;
  source.close();
  return { events, reply, ids };
}

it("creates a session and streams its reply with fetch and EventSource alone", async () => {
  const page = await browser.newPage();
  try {
    await page.goto(originOf(allowedApp));
    const result = await page.evaluate(converse, { api: stack.apis[0]!.url, key: stack.key });
    expect(result.events[0]).toBe("connected");
    expect(result.events).toContain("user_message_created");
    expect(result.events.at(-1)).toBe("complete");
    expect(result.reply.length).toBeGreaterThan(0);
    // Ids rise strictly: nothing twice.
    expect(result.ids.every((id, index) => index === 0 || id > result.ids[index - 1]!)).toBe(true);
  } finally {
    await page.close();
  }
});

it("leaves an origin the API does not list blocked by the browser", async () => {
  const page = await browser.newPage();
  try {
    await page.goto(originOf(otherApp));
    const outcome = await page.evaluate(
      async ({ api, key }) => {
        try {
          await fetch(`${api}/api/sessions`, { headers: { Authorization: `Bearer ${key}` } });
          return "read";
        } catch (error) {
          return `blocked: ${(error as Error).name}`;
        }
      },
      { api: stack.apis[0]!.url, key: stack.key },
    );
    expect(outcome).toBe("blocked: TypeError");
  } finally {
    await page.close();
  }
});
