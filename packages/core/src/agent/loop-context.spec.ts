/**
 * The loop's context handling on a simulated Anthropic API (real AI SDK adapter, real wire
 * format): cache breakpoints on the stable prefix and cached tokens counted and priced; a
 * session nearing its window compacted by the sub-agent model, its answers still right; a
 * provider's "prompt too long" compacted and retried once; `/compact`; large tool outputs kept
 * in the session folder.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { AnthropicSimulator } from "@mix/testing";
import { COMPACT_TOOL_NAME } from "../context/compaction-marker";
import { SUMMARY_HEADER } from "../context/compaction";
import { z } from "zod";
import { defineTool } from "../tools/tool";
import { contextSession, notesBrain, note } from "../../test/helpers/context-session";
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";

let dir: SessionDirFixture;
let simulator: AnthropicSimulator;
beforeEach(async () => {
  dir = await makeSessionDir();
});
afterEach(async () => {
  await simulator?.close();
  await dir.cleanup();
});

const markersOf = (session: ReturnType<typeof contextSession>) =>
  session.store.steps.filter((step) => step.parts.some((part) => part.type === "tool_call" && part.name === COMPACT_TOOL_NAME));

it("puts at most four cache breakpoints on the stable prefix, and counts and prices the cached tokens", async () => {
  simulator = await AnthropicSimulator.start({ answer: notesBrain, minCacheTokens: 200 });
  const session = contextSession(simulator, dir, { context: {} });
  await session.send(note(1));
  await session.send(note(2));
  await session.send(note(3));

  const [first, , third] = simulator.requests.map((request) => request.body);
  // The system prompt and the last message; on later turns also the end of the earlier turns.
  expect(first.system).toEqual([expect.objectContaining({ cache_control: { type: "ephemeral" } })]);
  expect(first.messages.at(-1).content.at(-1).cache_control).toEqual({ type: "ephemeral" });
  const marked = third.messages.flatMap((message: { content: { cache_control?: unknown }[] }, index: number) =>
    message.content.some((block) => block.cache_control) ? [index] : [],
  );
  expect(marked).toEqual([third.messages.length - 2, third.messages.length - 1]);

  // The third call read the prefix the second wrote.
  const [, second, last] = simulator.usages;
  expect(second!.cache_creation_input_tokens).toBeGreaterThan(0);
  expect(last!.cache_read_input_tokens).toBeGreaterThan(0);
  const stored = session.store.steps.at(-1)!.usage;
  expect(stored).toMatchObject({ cacheReadTokens: last!.cache_read_input_tokens, cacheWriteTokens: last!.cache_creation_input_tokens });
  expect(stored.promptTokens).toBe(last!.input_tokens + last!.cache_read_input_tokens + last!.cache_creation_input_tokens);
  // Haiku: $1 per million uncached, $0.10 read, $1.25 written, $5 out.
  const expected = (last!.input_tokens * 1 + last!.cache_read_input_tokens * 0.1 + last!.cache_creation_input_tokens * 1.25 + last!.output_tokens * 5) / 1e6;
  expect(stored.cost).toBeCloseTo(expected, 12);
});

it("sends no breakpoints with caching off", async () => {
  simulator = await AnthropicSimulator.start({ answer: notesBrain });
  const session = contextSession(simulator, dir, { context: { promptCaching: false } });
  await session.send(note(1));
  expect(JSON.stringify(simulator.requests[0]!.body)).not.toContain("cache_control");
});

it("compacts a session nearing its window with the sub-agent model: later calls send the summary and recent turns, and answers stay right", async () => {
  simulator = await AnthropicSimulator.start({ answer: notesBrain, contextLimit: 3_000 });
  const session = contextSession(simulator, dir, { context: { inputRoom: () => 2_500, keepRecentTokens: 600 } });
  await session.send("Remember this: the secret word is PELICAN.");
  for (let index = 1; index <= 10; index++) expect((await session.send(note(index))).status).toBe("completed");
  const answer = await session.send("What is the secret word?");

  expect(answer.text).toBe("The secret word is PELICAN.");
  // Never past the window, so never refused.
  expect(simulator.refusedTooLong).toBe(0);
  const markers = markersOf(session);
  expect(markers.length).toBeGreaterThan(0);
  const summary = markers[0]!.parts.find((part) => part.type === "tool_result");
  expect(summary).toMatchObject({ type: "tool_result", isError: false, result: expect.stringContaining("the secret word is PELICAN") });
  // The summariser's call is a stored, priced model call of the session.
  expect(markers[0]!.usage.promptTokens).toBeGreaterThan(0);
  expect(markers[0]!.finishReason).toBe("compaction");
  // The last call sent the summary, then only recent turns.
  const lastSent = simulator.requests.at(-1)!.body;
  expect(lastSent.messages[0].content[0].text).toContain(SUMMARY_HEADER);
  expect(JSON.stringify(lastSent)).not.toContain("Note 1:");
  // Clients saw it as a `compact` call through the tool events.
  const compactEvents = session.events.filter((entry) => entry.data.name === COMPACT_TOOL_NAME || entry.data.toolName === COMPACT_TOOL_NAME);
  expect(compactEvents.map((entry) => entry.event).slice(0, 4)).toEqual([
    "tool_use_start",
    "tool_execution_start",
    "tool_use_parameter_streaming_complete",
    "tool_execution_complete",
  ]);
  // The full history is still stored: every note's answer is there.
  expect(session.store.steps.filter((step) => step.finishReason !== "compaction")).toHaveLength(12);
});

it("compacts and retries once when the provider answers that the prompt is too long", async () => {
  simulator = await AnthropicSimulator.start({ answer: notesBrain, contextLimit: 2_000 });
  // The catalog's window (200k) never triggers compaction: only the provider's refusal does.
  const session = contextSession(simulator, dir, { context: { keepRecentTokens: 400 } });
  await session.send("Remember this: the secret word is HERON.");
  for (let index = 1; index <= 6; index++) expect((await session.send(note(index))).status).toBe("completed");
  const answer = await session.send("What is the secret word?");

  expect(answer.text).toBe("The secret word is HERON.");
  expect(simulator.refusedTooLong).toBeGreaterThan(0);
  const marker = markersOf(session)[0]!;
  const input = JSON.parse((marker.parts.find((part) => part.type === "tool_call") as { input: string }).input);
  expect(input).toMatchObject({ reason: "overflow", keptFrom: expect.any(String), summarizedMessages: expect.any(Number) });
});

it("without compaction, the same session fails on the provider's refusal", async () => {
  simulator = await AnthropicSimulator.start({ answer: notesBrain, contextLimit: 2_000 });
  const session = contextSession(simulator, dir);
  await session.send("Remember this: the secret word is HERON.");
  let failure: unknown;
  for (let index = 1; index <= 6 && !failure; index++) await session.send(note(index)).catch((error: unknown) => (failure = error));
  expect(String(failure)).toMatch(/prompt is too long/);
});

it("/compact summarises everything before it and answers without a model call of its own; the next turn sends the summary", async () => {
  simulator = await AnthropicSimulator.start({ answer: notesBrain });
  const session = contextSession(simulator, dir, { context: {} });
  await session.send("Remember this: the secret word is OSPREY.");
  await session.send(note(1));
  const calls = simulator.requests.length;
  const compacted = await session.send("/compact keep the secret word", { compactInstructions: "keep the secret word" });

  expect(compacted.text).toMatch(/^Compacted 4 earlier messages into a summary/);
  expect(simulator.requests.length).toBe(calls + 1);
  expect(JSON.stringify(simulator.requests.at(-1)!.body)).toContain("keep the secret word");
  expect(markersOf(session)).toHaveLength(1);
  expect(markersOf(session)[0]!.id).toBe(compacted.lastMessageId);

  expect((await session.send("What is the secret word?")).text).toBe("The secret word is OSPREY.");
  const sent = simulator.requests.at(-1)!.body.messages;
  expect(sent).toHaveLength(1);
  expect(sent[0].content[0].text).toMatch(new RegExp(`^\\${SUMMARY_HEADER}[\\s\\S]*What is the secret word\\?$`));
});

it("keeps a tool output over the limit in the session folder and shows the model its head, tail and path", async () => {
  const big = `BEGIN ${"x".repeat(10_000)} END`;
  const dump = defineTool({
    name: "dump",
    description: "Prints a lot",
    inputSchema: z.object({}),
    readOnly: true,
    requiresPermission: false,
    category: "files",
    execute: async () => big,
  });
  let step = 0;
  simulator = await AnthropicSimulator.start({
    answer: () => (step++ === 0 ? { toolCalls: [{ id: "toolu_dump", name: "dump", input: {} }] } : { text: "Done." }),
  });
  const session = contextSession(simulator, dir, { context: { toolOutputMaxBytes: 2_048 }, tools: [dump] });
  await session.send("Dump it");

  const result = simulator.requests[1]!.body.messages.at(-1).content[0].content as string | { text: string }[];
  const shown = typeof result === "string" ? result : result.map((block) => block.text).join("");
  expect(shown).toContain("tool-outputs/toolu_dump.txt");
  expect(shown).toContain("BEGIN");
  expect(shown).toContain("END");
  expect(shown.length).toBeLessThan(2_048);
  // The tool list is cached too: its last tool carries a breakpoint.
  expect(simulator.requests[0]!.body.tools.at(-1).cache_control).toEqual({ type: "ephemeral" });
  expect(await readFile(path.join(dir.context.sessionDir, "tool-outputs", "toolu_dump.txt"), "utf8")).toBe(big);
});
