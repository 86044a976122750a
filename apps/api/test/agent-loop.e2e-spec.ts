/**
 * The agent loop against a model on the wire (a fake OpenAI-compatible server behind the real
 * adapter): tool calls streamed and run, results persisted with their calls and fed back to the
 * model, plan mode, max_steps, path refusals, retries with backoff and the final failure, and
 * the session's token and cost totals.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import request from "supertest";
import { openAiError, openAiTextReply, openAiToolCallReply } from "@mix/testing";
import { allowAllTools, converse, FAKE_PRICE, named, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { bearer } from "./helpers/test-stack";

let stack: AgentStack;

beforeAll(async () => {
  stack = await startAgentStack({ label: "agent-loop", env: { MODEL_MAX_ATTEMPTS: "3" } });
  await allowAllTools(stack.url, stack.key);
});
afterAll(() => stack?.close());

const usage = (promptTokens: number, completionTokens: number) => ({ usage: { promptTokens, completionTokens } });

it("runs a tool call, attaches its result in GET /messages and gives it back to the model", async () => {
  stack.fake
    .reply(openAiToolCallReply([{ id: "call_write", name: "Write", input: { file_path: "notes.md", content: "hello from the agent" } }], usage(100, 20)))
    .reply(openAiTextReply("I wrote notes.md.", usage(150, 10)));
  const before = stack.fake.requests.length;
  const { sessionId, events } = await converse(stack, "write a note");

  const names = events.map((event) => event.event);
  const order = [
    "tool_use_start",
    "tool_use_parameter_delta",
    "tool_use_parameter_streaming_complete",
    "tool_execution_start",
    "tool_execution_complete",
    "content",
    "complete",
  ];
  expect(order.map((name) => names.indexOf(name))).toEqual([...order.map((name) => names.indexOf(name))].sort((a, b) => a - b));
  expect(named(events, "tool_use_start")[0]!.data).toMatchObject({ id: "call_write", name: "Write" });
  expect(
    named(events, "tool_use_parameter_delta")
      .map((event) => event.data.input)
      .join(""),
  ).toBe(JSON.stringify({ file_path: "notes.md", content: "hello from the agent" }));
  expect(named(events, "tool_execution_complete")[0]!.data).toMatchObject({ toolCallId: "call_write", toolName: "Write", success: true });
  expect(events.at(-1)!.data).toMatchObject({ type: "complete", done: true, content: "I wrote notes.md." });
  expect(await readFile(join(stack.storage, sessionId, "notes.md"), "utf8")).toBe("hello from the agent");

  // The second model call carried the tool result, answering the call by its id.
  const second = stack.fake.requests[before + 1]!.body;
  const toolMessage = second.messages.find((message: { role: string }) => message.role === "tool");
  expect(toolMessage).toMatchObject({ tool_call_id: "call_write" });
  expect(second.tools.map((tool: { function: { name: string } }) => tool.function.name)).toEqual(expect.arrayContaining(["Bash", "Write", "Task"]));

  const messages = (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
  expect(messages.map((message: { role: string }) => message.role)).toEqual(["user", "assistant", "assistant"]);
  expect(messages[1].toolCalls).toEqual([
    expect.objectContaining({ id: "call_write", name: "Write", finished: true, isError: false, result: expect.stringContaining("notes.md") }),
  ]);
  expect(messages[2].assistantResponse).toBe("I wrote notes.md.");

  const session = (await request(stack.url).get(`/api/sessions/${sessionId}`).set(bearer(stack.key)).expect(200)).body;
  expect(session).toMatchObject({ promptTokens: 250, completionTokens: 30, userMessageCount: 1, assistantMessageCount: 2, toolCallCount: 1 });
  expect(session.cost).toBeCloseTo((250 * FAKE_PRICE.input + 30 * FAKE_PRICE.output) / 1_000_000, 10);
});

it("refuses a path outside the session folder and tells the model why", async () => {
  stack.fake
    .reply(openAiToolCallReply([{ id: "call_escape", name: "Write", input: { file_path: "../escape.txt", content: "x" } }]))
    .reply(openAiTextReply("I could not."));
  const { sessionId, events } = await converse(stack, "escape");
  expect(named(events, "tool_execution_complete")[0]!.data).toMatchObject({ toolName: "Write", success: false });
  const messages = (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
  expect(messages[1].toolCalls[0]).toMatchObject({ isError: true, result: expect.stringContaining("Refused path") });
  await expect(readFile(join(stack.storage, "escape.txt"), "utf8")).rejects.toThrow();
});

it("offers only read-only tools in plan mode and refuses a change anyway asked for", async () => {
  stack.fake.reply(openAiToolCallReply([{ id: "call_plan", name: "Bash", input: { command: "touch made.txt" } }])).reply(openAiTextReply("Here is the plan."));
  const before = stack.fake.requests.length;
  const { sessionId, events } = await converse(stack, "plan it", { body: { plan_mode: true } });
  const offered = stack.fake.requests[before]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name);
  expect(offered).toEqual(expect.arrayContaining(["ReadText", "Glob", "Grep", "list_directory", "ExitPlanMode"]));
  expect(offered).not.toEqual(expect.arrayContaining(["Bash"]));
  expect(offered).not.toContain("Write");
  expect(named(events, "tool_execution_complete")[0]!.data).toMatchObject({ success: false });
  const messages = (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
  expect(messages[1].toolCalls[0].result).toMatch(/plan mode/);
  await expect(readFile(join(stack.storage, sessionId, "made.txt"))).rejects.toThrow();
});

it("stops at max_steps with a clear reason", async () => {
  stack.fake
    .reply(openAiToolCallReply([{ id: "call_ls_1", name: "list_directory", input: {} }]))
    .reply(openAiToolCallReply([{ id: "call_ls_2", name: "list_directory", input: {} }]));
  const before = stack.fake.requests.length;
  const { events } = await converse(stack, "list forever", { body: { max_steps: 2 } });
  expect(stack.fake.requests.length - before).toBe(2);
  expect(named(events, "error")[0]!.data).toMatchObject({ type: "max_steps_reached", error: expect.stringContaining("max_steps") });
  expect(events.at(-1)).toMatchObject({ event: "complete", data: { type: "max_steps_reached", done: true } });
});

it("retries a rate-limited call with backoff, announcing each retry", async () => {
  stack.fake
    .reply(openAiError(429, "slow down", { "retry-after-ms": "30" }))
    .reply(openAiError(503, "busy"))
    .reply(openAiTextReply("finally"));
  const { events } = await converse(stack, "hello");
  const retries = named(events, "error").map((event) => event.data);
  expect(retries).toEqual([
    expect.objectContaining({ type: "retry", attempt: 1, maxAttempts: 3, retryAfter: 30 }),
    // No advice from the provider: the configured base delay, doubled for the second retry.
    expect.objectContaining({ type: "retry", attempt: 2, maxAttempts: 3, retryAfter: 40 }),
  ]);
  expect(events.at(-1)!.data).toMatchObject({ type: "complete", content: "finally" });
});

it("ends the run with an error event and a persisted error part when retries run out", async () => {
  stack.fake.reply(openAiError(429, "no")).reply(openAiError(429, "no")).reply(openAiError(429, "still no"));
  const { sessionId, events } = await converse(stack, "doomed");
  expect(named(events, "error").map((event) => event.data.type)).toEqual(["retry", "retry", "run_failed"]);
  expect(events.at(-1)!.data).toMatchObject({ type: "run_failed", error: expect.stringContaining("still no"), attempt: 3, maxAttempts: 3 });
  const run = await stack.apis[0]!.api.infrastructure.prisma.run.findFirstOrThrow({ where: { sessionId } });
  expect(run.status).toBe("failed");
  const stored = await stack.apis[0]!.api.infrastructure.prisma.part.findMany({ where: { message: { sessionId }, type: "error" } });
  expect(stored).toHaveLength(1);
});

it("ends a plan-mode run with the plan when the model calls ExitPlanMode", async () => {
  const plan = "1. Read the code\n2. Change it";
  stack.fake.reply(openAiToolCallReply([{ id: "call_exit", name: "ExitPlanMode", input: { plan } }], { text: "My plan:" }));
  const before = stack.fake.requests.length;
  const { events } = await converse(stack, "plan the change", { body: { plan_mode: true } });
  expect(stack.fake.requests.length - before).toBe(1);
  expect(named(events, "tool_execution_complete")[0]!.data).toMatchObject({ toolName: "ExitPlanMode", success: true });
  expect(events.at(-1)!.data).toMatchObject({ type: "complete", content: `My plan:\n\n${plan}` });
});

it("names a session created with a generic title after its first message", async () => {
  const created = await request(stack.url).post("/api/sessions").set(bearer(stack.key)).send({ title: "New Session" }).expect(201);
  stack.fake.reply(openAiTextReply("Sure."));
  await converse(stack, "Refactor the payment module to use async/await everywhere", { sessionId: created.body.id });
  const session = (await request(stack.url).get(`/api/sessions/${created.body.id}`).set(bearer(stack.key)).expect(200)).body;
  expect(session.title).toMatch(/^Refactor the payment module/);
  // A title the user chose is kept.
  const chosen = await request(stack.url).post("/api/sessions").set(bearer(stack.key)).send({ title: "Payments" }).expect(201);
  stack.fake.reply(openAiTextReply("Ok."));
  await converse(stack, "Something else entirely", { sessionId: chosen.body.id });
  expect((await request(stack.url).get(`/api/sessions/${chosen.body.id}`).set(bearer(stack.key)).expect(200)).body.title).toBe("Payments");
});
