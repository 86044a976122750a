/**
 * The Search tool through the whole stack: the scripted model's `@tool Search` line runs the
 * tool in the worker, which ("auto", a model without a search of its own) asks the deployment's
 * SearXNG; the stored tool result holds the results, the blocked ones left out, and the tool
 * ran without a permission request. GET /api/tools lists it.
 */
import request from "supertest";
import { FakeSearchServer, searxngReply } from "@mix/testing";
import { createSession, isComplete, openStream, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let searxng: FakeSearchServer;
let url: string;

beforeAll(async () => {
  searxng = await FakeSearchServer.start();
  stack = await startTestStack({
    label: "agent-search",
    env: { SEARXNG_URL: searxng.url, SEARCH_BLOCKED_DOMAINS: "blocked.example", SEARCH_TIMEOUT_MS: "2000" },
  });
  url = stack.apis[0]!.url;
});
afterAll(async () => {
  await stack?.close();
  await searxng?.close();
});

async function searchTurn(input: Record<string, unknown>) {
  const sessionId = await createSession(url, stack.key);
  const stream = await openStream(url, stack.key, sessionId);
  try {
    await sendMessage(url, stack.key, sessionId, `look it up\n@tool Search ${JSON.stringify(input)}`);
    await stream.waitForEvent(isComplete, 20_000, "the run to complete");
    const messages = (await request(url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
    return { messages, events: stream.logEvents };
  } finally {
    stream.close();
  }
}

it("lists Search among the tools", async () => {
  const { body } = await request(url).get("/api/tools").set(bearer(stack.key)).expect(200);
  expect(body.tools.find((tool: { name: string }) => tool.name === "Search")).toMatchObject({ required: ["query"] });
});

it("runs Search against SearXNG and stores the results as the tool's result", async () => {
  searxng.reply(
    searxngReply("mix agents", [
      { title: "Mix documentation", url: "https://docs.mix.example/agents", snippet: "How Mix runs <b>agents</b>." },
      { title: "Blocked page", url: "https://www.blocked.example/", snippet: "never shown" },
      { title: "Script", url: "javascript:alert(1)", snippet: "never shown" },
    ]),
  );
  const { messages, events } = await searchTurn({ query: "mix agents", maxResults: 5 });
  expect(searxng.requests.at(-1)!.query.get("q")).toBe("mix agents");
  expect(searxng.requests.at(-1)!.query.get("format")).toBe("json");
  const call = messages[1].toolCalls[0];
  expect(call).toMatchObject({ name: "Search", isError: false });
  expect(call.result).toBe('Search results for "mix agents" (SearXNG):\n1. Mix documentation\n   https://docs.mix.example/agents\n   How Mix runs agents.');
  expect(events.some((event) => event.event === "permission")).toBe(false);
});

it("stores a broken search API's failure as an error result, and the run still completes", async () => {
  searxng.reply({ kind: "raw", body: "{not json" });
  const { messages } = await searchTurn({ query: "anything" });
  expect(messages[1].toolCalls[0]).toMatchObject({
    name: "Search",
    isError: true,
    result: expect.stringMatching(/^Search failed: SearXNG answered with malformed JSON/),
  });
});
