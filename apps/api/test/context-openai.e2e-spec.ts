/**
 * A session on an OpenAI-compatible server (whose model the catalog does not know, so it gets
 * MODEL_DEFAULT_CONTEXT_WINDOW) nearing that window: the run compacts before the call instead of
 * waiting for a refusal, keeps answering right, and the server's automatic prompt cache (its
 * `prompt_tokens_details.cached_tokens`) is counted and priced at the model's cache-read price.
 */
import request from "supertest";
import { FakeHttpServer, openAiTextReply, type RecordedRequest } from "@mix/testing";
import { converse, named, startAgentStack, type AgentStack, FAKE_MODEL } from "./helpers/agent-stack";
import { createSession } from "./helpers/session-fixtures";
import { bearer } from "./helpers/test-stack";

/** 12,000-token window less 1,000 for the answer, 80% of it: compaction past 8,800 tokens. */
const WINDOW = 12_000;
const PRICE = { input: 2, output: 10, cacheRead: 0.2 };

let stack: AgentStack;
let server: FakeHttpServer;
/** The requests' serialised messages, for the simulated prefix cache. */
const seenPrompts: string[] = [];
const usages: { prompt: number; cached: number }[] = [];

/** Answers like the notes model of context-and-cache, with OpenAI's usage: a prompt's repeated prefix is cached (in 128-token steps from 1,024). */
function respond(sent: RecordedRequest) {
  const messages: { role: string; content: string }[] = sent.body.messages;
  const prompt = JSON.stringify([sent.body.tools, messages]);
  const tokens = Math.ceil(prompt.length / 4);
  const common = Math.max(0, ...seenPrompts.map((earlier) => commonPrefix(earlier, prompt)));
  const cachedTokens = Math.floor(common / 4) >= 1_024 ? Math.floor(Math.floor(common / 4) / 128) * 128 : 0;
  seenPrompts.push(prompt);
  usages.push({ prompt: tokens, cached: cachedTokens });
  const usage = { promptTokens: tokens, completionTokens: 10, cachedTokens };
  const all = messages.map((message) => (typeof message.content === "string" ? message.content : JSON.stringify(message.content))).join("\n");
  const last = messages.findLast((message) => message.role === "user")?.content ?? "";
  if (all.includes("You compact")) {
    const facts = [...new Set(all.match(/the secret word is \w+/gi) ?? [])];
    return openAiTextReply(`Facts to keep: ${facts.join("; ") || "none"}.`, { usage });
  }
  if (/what is the secret word/i.test(last)) {
    const known = /the secret word is (\w+)/i.exec(all);
    return openAiTextReply(known ? `The secret word is ${known[1]}.` : "I do not know.", { usage });
  }
  return openAiTextReply("Noted.", { usage });
}

function commonPrefix(a: string, b: string): number {
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at++;
  return at;
}

beforeAll(async () => {
  server = await FakeHttpServer.start({ respond });
  stack = await startAgentStack({
    label: "context-openai",
    env: {
      OPENAI_COMPATIBLE_BASE_URL: `${server.url}/v1`,
      MODEL_DEFAULT_CONTEXT_WINDOW: String(WINDOW),
      MODEL_DEFAULT_MAX_OUTPUT_TOKENS: "1000",
      COMPACTION_KEEP_RECENT_TOKENS: "600",
      MODEL_PRICES_JSON: JSON.stringify({ [FAKE_MODEL]: PRICE }),
    },
  });
});
afterAll(async () => {
  await stack?.close();
  await server?.close();
});

it("compacts before the call once a session nears the model's window, keeps answering right, and prices cached tokens lower", async () => {
  const sessionId = await createSession(stack.url, stack.key);
  const note = (index: number) => `Note ${index}: ${"the weather was mild and the meeting ran long. ".repeat(52)}`;
  const events = [];
  events.push(...(await converse(stack, "Remember this: the secret word is WREN.", { sessionId })).events);
  for (let index = 1; index <= 8; index++) events.push(...(await converse(stack, note(index), { sessionId })).events);
  const answer = await converse(stack, "What is the secret word?", { sessionId });
  expect(answer.events.at(-1)!.data).toMatchObject({ type: "complete", content: "The secret word is WREN." });

  // Compacted ahead of time: no call ever went past the room the threshold leaves.
  expect(named(events, "tool_execution_complete").filter((event) => event.data.toolName === "compact").length).toBeGreaterThan(0);
  expect(Math.max(...usages.map((usage) => usage.prompt))).toBeLessThan(WINDOW - 1_000);

  const { total } = (await request(stack.url).get("/api/workspace/usage").set(bearer(stack.key)).expect(200)).body;
  const cached = usages.reduce((sum, usage) => sum + usage.cached, 0);
  const prompt = usages.reduce((sum, usage) => sum + usage.prompt, 0);
  expect(cached).toBeGreaterThan(0);
  expect(total).toMatchObject({ promptTokens: prompt, cacheReadTokens: cached, cacheWriteTokens: 0, calls: usages.length });
  expect(total.cost).toBeCloseTo(((prompt - cached) * PRICE.input + cached * PRICE.cacheRead + total.completionTokens * PRICE.output) / 1e6, 9);
});
