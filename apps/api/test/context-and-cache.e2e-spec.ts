/**
 * Context windows and prompt caching through the whole stack, on a simulated Anthropic API that
 * refuses a prompt past its limit (Anthropic's own 400) and runs a prompt cache: a session
 * pushed past the limit is compacted by its sub-agent model and keeps working, its answer right;
 * GET messages and the export still show every message, with the compaction as a `compact`
 * call; `/compact` compacts on demand; the usage API shows the cached tokens and their lower cost.
 */
import { randomBytes } from "node:crypto";
import request from "supertest";
import { AnthropicSimulator, type SseEvent } from "@mix/testing";
import { allowAllTools, converse, named, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { createSession } from "./helpers/session-fixtures";
import { bearer } from "./helpers/test-stack";

const HAIKU = "claude-haiku-4-5";
/** The agent's system prompt and tools alone take about 5,600 tokens. */
const LIMIT = 9_000;

/** Keeps notes, answers the secret word from what it is sent, and summarises by keeping the facts. */
function brain(sent: { body: { system?: unknown }; lastUserText: string; allText: string }) {
  if (JSON.stringify(sent.body.system ?? "").includes("You compact")) {
    const facts = [...new Set(sent.allText.match(/the secret word is \w+/gi) ?? [])];
    return { text: `The user sent numbered notes. Facts to keep: ${facts.join("; ") || "none"}.` };
  }
  if (/what is the secret word/i.test(sent.lastUserText)) {
    const known = /the secret word is (\w+)/i.exec(sent.allText);
    return { text: known ? `The secret word is ${known[1]}.` : "I do not know the secret word." };
  }
  return { text: `Noted (${sent.lastUserText.length} characters).` };
}
const note = (index: number) => `Note ${index}: ${"the weather was mild and the meeting ran long. ".repeat(52)}`;

let stack: AgentStack;
let anthropic: AnthropicSimulator;

beforeAll(async () => {
  anthropic = await AnthropicSimulator.start({ answer: brain, contextLimit: LIMIT, minCacheTokens: 256 });
  stack = await startAgentStack({
    label: "context-cache",
    env: {
      ANTHROPIC_BASE_URL: `${anthropic.url}/v1`,
      CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      COMPACTION_KEEP_RECENT_TOKENS: "600",
    },
  });
  const key = `sk-ant-api03-${randomBytes(24).toString("base64url")}`;
  await request(stack.url).post("/api/auth/api-key").set(bearer(stack.key)).send({ provider: "anthropic", api_key: key }).expect(200);
  await allowAllTools(stack.url, stack.key);
});
afterAll(async () => {
  await stack?.close();
  await anthropic?.close();
});

const get = (path: string) => request(stack.url).get(path).set(bearer(stack.key)).expect(200);
const completed = (events: SseEvent[]) => events.at(-1)!.data as { type: string; content?: string };

it("keeps a session pushed past the model's window working: compacted, retried, answered right, every message still shown", async () => {
  const sessionId = await createSession(stack.url, stack.key, { provider: "anthropic", modelId: HAIKU });
  const seen: SseEvent[] = [];
  const turn = async (text: string) => {
    const { events } = await converse(stack, text, { sessionId });
    seen.push(...events);
    expect(completed(events).type).toBe("complete");
    return completed(events).content;
  };
  await turn("Remember this: the secret word is PELICAN.");
  for (let index = 1; index <= 8; index++) await turn(note(index));
  expect(await turn("What is the secret word?")).toBe("The secret word is PELICAN.");

  // The provider refused at least one call as too long; the run compacted and retried instead of failing.
  expect(anthropic.refusedTooLong).toBeGreaterThan(0);
  expect(named(seen, "error").filter((event) => event.data.type === "run_failed")).toEqual([]);
  const compactStart = named(seen, "tool_execution_start").find((event) => event.data.toolName === "compact");
  expect(compactStart?.data.progress).toMatch(/^Summarising \d+ earlier messages/);
  expect(named(seen, "tool_execution_complete").find((event) => event.data.toolName === "compact")?.data.success).toBe(true);
  // Later calls fit: the last one sent the summary, not the first notes.
  const last = anthropic.requests.at(-1)!.body;
  expect(JSON.stringify(last)).toContain("Summary of the earlier conversation");
  expect(JSON.stringify(last)).not.toContain("Note 1:");

  // Everything is still stored and shown: ten user messages, ten answers, and the marker.
  const messages = (await get(`/api/sessions/${sessionId}/messages`)).body as {
    role: string;
    userInput: string;
    toolCalls?: { name: string; result?: string }[];
  }[];
  expect(messages.filter((message) => message.role === "user").map((message) => message.userInput)).toEqual([
    "Remember this: the secret word is PELICAN.",
    ...Array.from({ length: 8 }, (_, index) => note(index + 1)),
    "What is the secret word?",
  ]);
  const markers = messages.filter((message) => message.toolCalls?.some((call) => call.name === "compact"));
  expect(markers.length).toBeGreaterThan(0);
  expect(markers[0]!.toolCalls![0]).toMatchObject({ name: "compact", finished: true, result: expect.stringContaining("the secret word is PELICAN") });
  const exported = (await get(`/api/sessions/${sessionId}/export`)).body;
  expect(JSON.stringify(exported)).toContain("Note 1:");
  expect(JSON.stringify(exported)).toContain('"name":"compact"');
});

it("compacts on demand with /compact, and the next turn sends the summary alone before the question", async () => {
  const sessionId = await createSession(stack.url, stack.key, { provider: "anthropic", modelId: HAIKU });
  await converse(stack, "Remember this: the secret word is OSPREY.", { sessionId });
  await converse(stack, "Note 1: short.", { sessionId });
  const { events } = await converse(stack, "/compact keep the facts", { sessionId });
  expect(completed(events)).toMatchObject({ type: "complete", content: expect.stringMatching(/^Compacted 4 earlier messages into a summary/) });
  expect(JSON.stringify(anthropic.requests.at(-1)!.body)).toContain("keep the facts");

  const answer = await converse(stack, "What is the secret word?", { sessionId });
  expect(completed(answer.events).content).toBe("The secret word is OSPREY.");
  const sent = anthropic.requests.at(-1)!.body.messages;
  expect(sent).toHaveLength(1);
  expect(sent[0].content.at(-1).text).toMatch(/What is the secret word\?$/);
});

it("shows the cached tokens in the usage API, priced below uncached input", async () => {
  const sessionId = await createSession(stack.url, stack.key, { provider: "anthropic", modelId: HAIKU });
  for (let index = 1; index <= 3; index++)
    await converse(stack, `Cache me ${index}: ${"a fairly long sentence about the project. ".repeat(20)}`, { sessionId });

  const { total, rows } = (await get("/api/workspace/usage?groupBy=model")).body;
  const simulated = anthropic.totals();
  expect(total.cacheReadTokens).toBe(simulated.cacheRead);
  expect(total.cacheWriteTokens).toBe(simulated.cacheWrite);
  expect(total.cacheReadTokens).toBeGreaterThan(0);
  expect(total.promptTokens).toBe(simulated.prompt);
  // Haiku: $1 per million input, $0.10 cached, $1.25 written, $5 output.
  const expected = (simulated.input + simulated.cacheRead * 0.1 + simulated.cacheWrite * 1.25 + total.completionTokens * 5) / 1e6;
  expect(total.cost).toBeCloseTo(expected, 9);
  expect(total.cost).toBeLessThan((total.promptTokens + total.completionTokens * 5) / 1e6);
  expect(rows).toEqual([expect.objectContaining({ key: `anthropic/${HAIKU}`, cacheReadTokens: simulated.cacheRead })]);
  // The session keeps its own cache totals with its other sums.
  const prisma = stack.apis[0]!.api.infrastructure.prisma;
  const [session, records] = await Promise.all([
    prisma.session.findUniqueOrThrow({ where: { id: sessionId } }),
    prisma.usageRecord.findMany({ where: { sessionId } }),
  ]);
  expect(records.length).toBe(3);
  expect(session.cacheReadTokens).toBe(records.reduce((sum, record) => sum + record.cacheReadTokens, 0));
  expect(session.cacheReadTokens).toBeGreaterThan(0);
  expect(session.cacheWriteTokens).toBe(records.reduce((sum, record) => sum + record.cacheWriteTokens, 0));
});
