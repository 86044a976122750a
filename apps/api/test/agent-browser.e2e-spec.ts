/**
 * The agent's browser through the whole stack: the scripted model's `@tool browser_navigate`
 * line asks permission, the grant posted to the API lets it run in a real headless Chromium on
 * the worker, and the page's text (read by `@tool browser_read`) is the stored tool result.
 * The page is served on loopback, reachable only because this stack allows private networks
 * (FETCH_ALLOW_PRIVATE_NETWORKS) and the page's port; an electron-mode session gets the stated
 * refusal. GET /api/tools lists the browser tools.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { createSession, isComplete, openStream, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;
let page: http.Server;
let pageUrl: string;

beforeAll(async () => {
  page = http.createServer((_request, response) => {
    response
      .writeHead(200, { "content-type": "text/html" })
      .end("<title>Served</title><p id=greeting></p><script>greeting.textContent = 'Rendered by the page script'</script>");
  });
  await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
  const { port } = page.address() as AddressInfo;
  pageUrl = `http://127.0.0.1:${port}/`;
  stack = await startTestStack({ label: "agent-browser", env: { FETCH_ALLOW_PRIVATE_NETWORKS: "true", SANDBOX_EGRESS_PORTS: `80,443,${port}` } });
  url = stack.apis[0]!.url;
  // A local browser goes out through the sandbox's egress: the workspace must allow it.
  await request(url).put("/api/sandbox").set(bearer(stack.key)).send({ network: "egress" }).expect(200);
});
afterAll(async () => {
  await stack?.close();
  await new Promise<void>((resolve) => page.close(() => resolve()));
});

it("asks before navigating, and with the grant the page's text is the stored tool result", async () => {
  const sessionId = await createSession(url, stack.key);
  const stream = await openStream(url, stack.key, sessionId);
  try {
    await sendMessage(url, stack.key, sessionId, `open it\n@tool browser_navigate ${JSON.stringify({ url: pageUrl })}\n@tool browser_read {}`);
    const asked = await stream.waitForEvent((event) => event.event === "permission", 20_000, "the permission request");
    expect(asked.data).toMatchObject({ toolName: "browser_navigate", params: { url: pageUrl } });
    await request(url).post(`/api/permissions/${asked.data.id}/grant`).set(bearer(stack.key)).expect(200);
    await stream.waitForEvent(isComplete, 60_000, "the run to complete");
    // browser_read asks no permission: one request only.
    expect(stream.logEvents.filter((event) => event.event === "permission")).toHaveLength(1);
  } finally {
    stream.close();
  }
  const messages = (await request(url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
  const calls = messages[1].toolCalls;
  expect(calls[0]).toMatchObject({ name: "browser_navigate", isError: false, result: expect.stringContaining("HTTP 200") });
  expect(calls[1]).toMatchObject({ name: "browser_read", isError: false, result: expect.stringContaining("Rendered by the page script") });
}, 90_000);

it("an electron-embedded-browser session gets the stated refusal", async () => {
  const sessionId = await createSession(url, stack.key, { browserMode: "electron-embedded-browser" });
  const stream = await openStream(url, stack.key, sessionId);
  try {
    await sendMessage(url, stack.key, sessionId, "read it\n@tool browser_read {}");
    await stream.waitForEvent(isComplete, 20_000, "the run to complete");
  } finally {
    stream.close();
  }
  const messages = (await request(url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
  expect(messages[1].toolCalls[0]).toMatchObject({ name: "browser_read", isError: true, result: expect.stringMatching(/Mix desktop app's embedded browser/) });
}, 60_000);

it("lists the browser tools", async () => {
  const names = (await request(url).get("/api/tools").set(bearer(stack.key)).expect(200)).body.tools.map((tool: { name: string }) => tool.name);
  expect(names).toEqual(expect.arrayContaining(["browser_navigate", "browser_read", "browser_screenshot", "browser_download", "browser_evaluate"]));
});
