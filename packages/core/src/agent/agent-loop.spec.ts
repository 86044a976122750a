/**
 * The agent loop on the scripted model with an in-memory step store (no Postgres, no Redis):
 * what it streams, what it stores, and how it ends: an answer, a tool round trip, a subagent,
 * max_steps. How a cancel or a lost lease stops it is in agent-loop-stops.spec.ts.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createTaskTool } from "../tools/task";
import { ToolRegistry } from "../tools/tool-registry";
import { writeTool } from "../tools/write";
import { agentLoopOf, names } from "../../test/helpers/agent-loop-fixture";
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";
import { runSubagent } from "./subagent";

let dir: SessionDirFixture;
beforeEach(async () => {
  dir = await makeSessionDir();
});
afterEach(() => dir.cleanup());

it("answers in one step: streams under the step's id while the run names it, stores the step and completes", async () => {
  const loop = agentLoopOf(dir);
  const outcome = await loop.run("hello there");

  expect(outcome).toEqual({
    status: "completed",
    text: "You said: hello there",
    reasoning: "Reading the request. ",
    reasoningDurationMs: expect.any(Number),
    steps: 1,
    lastMessageId: expect.any(String),
    completedInStep: true,
  });
  // The answer's write completes the run: no statement of its own at its end.
  expect(loop.store.runEndingSteps).toEqual([outcome.lastMessageId]);
  expect(names(loop.seen)).toEqual(["thinking", "content", "content", "content", "content"]);
  for (const entry of loop.seen) {
    expect(entry.data.assistantMessageId).toBe(outcome.lastMessageId);
    expect(entry.streaming).toBe(outcome.lastMessageId);
  }
  expect(loop.store.steps).toEqual([
    {
      id: outcome.lastMessageId,
      sessionId: "s",
      turn: 1,
      model: "scripted-1",
      finishReason: "stop",
      parts: [
        { type: "reasoning", text: "Reading the request. ", durationMs: expect.any(Number) },
        { type: "text", text: "You said: hello there" },
      ],
      // The price lookup's cost of the step's tokens.
      usage: { promptTokens: expect.any(Number), completionTokens: 5, cost: 0.005 },
    },
  ]);
  // Stored: the run names no streaming step any more.
  expect(loop.store.streaming.get("r")).toBeNull();
  expect(loop.store.usage.get("s")).toEqual({ promptTokens: expect.any(Number), completionTokens: 5, cost: 0.005 });
});

it("runs the tool the model calls, stores its result with the call, and feeds it back for the answer", async () => {
  const loop = agentLoopOf(dir, { tools: () => [writeTool] });
  const input = '{"file_path":"a.txt","content":"hi"}';
  const outcome = await loop.run(`@tool Write ${input}`);

  expect(outcome).toMatchObject({ status: "completed", steps: 2 });
  expect(outcome.text).toContain("Write succeeded: Created a.txt (2 bytes)");
  expect(await readFile(path.join(dir.context.sessionDir, "a.txt"), "utf8")).toBe("hi");

  const toolEvents = loop.seen.filter((entry) => entry.event.startsWith("tool_") && entry.event !== "tool_use_parameter_delta");
  const [call] = loop.store.steps[0]!.parts.filter((part) => part.type === "tool_call");
  const toolCallId = (call as { toolCallId: string }).toolCallId;
  expect(toolEvents.map((entry) => [entry.event, entry.data.id ?? entry.data.toolCallId])).toEqual([
    ["tool_use_start", toolCallId],
    ["tool_use_parameter_streaming_complete", toolCallId],
    ["tool_execution_start", toolCallId],
    ["tool_execution_complete", toolCallId],
  ]);
  expect(toolEvents.at(-1)!.data).toMatchObject({ success: true, toolName: "Write" });
  const deltas = loop.seen.filter((entry) => entry.event === "tool_use_parameter_delta").map((entry) => entry.data.input);
  expect(deltas.join("")).toBe(input);

  expect(loop.store.steps.map((step) => step.finishReason)).toEqual(["tool-calls", "stop"]);
  // The step that called the tool did not end the run; the answer after it did.
  expect(loop.store.runEndingSteps).toEqual([loop.store.steps[1]!.id]);
  expect(loop.store.steps[0]!.parts).toEqual([
    { type: "reasoning", text: "Reading the request. ", durationMs: expect.any(Number) },
    { type: "text", text: "I'll use Write." },
    { type: "tool_call", toolCallId, name: "Write", input },
    { type: "tool_result", toolCallId, result: "Created a.txt (2 bytes)", isError: false },
  ]);
});

it("runs a Task call's subagent in a session of its own, its events tagged with the call, its usage rolled up", async () => {
  const loop = agentLoopOf(dir, {
    tools: (shared, scope) => [
      createTaskTool(async (input, context) => {
        const request = { title: input.description, prompt: input.prompt, parentToolCallId: context.toolCallId! };
        const deps = { tools: new ToolRegistry([]), system: "You are a subagent.", selectModel: async () => scope.model };
        return (await runSubagent(request, scope, shared, { callbackTimeoutMs: 1_000 }, loop.signals, deps)).result;
      }),
    ],
  });
  const outcome = await loop.run('@tool Task {"description":"Look around","prompt":"find it"}');

  expect(outcome).toMatchObject({ status: "completed", steps: 2 });
  // The answer is the subagent's report, summed up in the parent's reply.
  expect(outcome.text).toContain("Task succeeded: You said: find it");
  const [child] = loop.store.subagentSessions;
  expect(child).toMatchObject({ workspaceId: "w", parentSessionId: "s", title: "Look around", prompt: "find it" });
  expect(loop.store.stepsOf(child!.id)).toHaveLength(1);
  // The subagent's answer ends its task, not the run: only the parent's answer completes it.
  expect(loop.store.runEndingSteps).toEqual([outcome.lastMessageId]);
  const parentToolCallId = child!.parentToolCallId;
  const childContent = loop.seen.filter((entry) => entry.event === "content" && entry.data.parentToolCallId === parentToolCallId);
  expect(childContent.map((entry) => entry.data.content).join("")).toBe("You said: find it");
  // The parent's total holds its own steps and the subagent's.
  const completionTokens = (sessionId: string) => loop.store.stepsOf(sessionId).reduce((sum, step) => sum + step.usage.completionTokens, 0);
  expect(loop.store.usage.get(child!.id)!.completionTokens).toBe(completionTokens(child!.id));
  expect(loop.store.usage.get("s")!.completionTokens).toBe(completionTokens("s") + completionTokens(child!.id));
});

it("ends with max_steps when the model still calls tools after its last allowed step", async () => {
  const loop = agentLoopOf(dir, { tools: () => [writeTool], maxSteps: 1 });
  const outcome = await loop.run('@tool Write {"file_path":"b.txt","content":"x"}');

  expect(outcome).toMatchObject({ status: "max_steps", steps: 1, text: "I'll use Write." });
  // The call of the last step ran and has its result; no further model call was made.
  expect(loop.store.steps).toHaveLength(1);
  expect(loop.store.steps[0]!.parts.at(-1)).toMatchObject({ type: "tool_result", isError: false });
});

it("counts the steps an earlier attempt of the run took against max_steps", async () => {
  const loop = agentLoopOf(dir, { maxSteps: 2, stepsTaken: 2 });
  expect(await loop.run("hello")).toMatchObject({ status: "max_steps", steps: 2 });
  expect(loop.seen).toEqual([]);
  expect(loop.store.steps).toEqual([]);
});
