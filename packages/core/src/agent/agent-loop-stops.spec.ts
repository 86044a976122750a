/**
 * How the agent loop stops before it is done, on the scripted model with an in-memory step
 * store: a cancel mid-step keeps what streamed, a cancel mid-tool reports the calls it cut off
 * as interrupted, a lost lease writes nothing more, and a call the workspace cannot pay for is
 * never made.
 */
import { z } from "zod";
import { defineTool } from "../tools/tool";
import { agentLoopOf, names } from "../../test/helpers/agent-loop-fixture";
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";
import { LeaseLostError } from "./loop-types";
import { INTERRUPTED_RESULT } from "./result-text";

/** A tool that runs until the run is cancelled. */
const waitTool = defineTool({
  name: "Wait",
  description: "Waits until the run is cancelled",
  inputSchema: z.strictObject({}),
  readOnly: true,
  requiresPermission: false,
  category: "planning",
  execute: (_input, context) =>
    new Promise<string>((_resolve, reject) => {
      const stop = () => reject(context.signal.reason);
      if (context.signal.aborted) stop();
      else context.signal.addEventListener("abort", stop, { once: true });
    }),
});

let dir: SessionDirFixture;
beforeEach(async () => {
  dir = await makeSessionDir();
});
afterEach(() => dir.cleanup());

it("stops a step the run's cancel interrupts, keeping what had streamed", async () => {
  const loop = agentLoopOf(dir, { onEvent: (entry) => entry.event === "content" && loop.cancel() });
  const outcome = await loop.run("hello there");

  expect(outcome).toMatchObject({ status: "cancelled", steps: 1, text: "You" });
  expect(names(loop.seen)).toEqual(["thinking", "content"]);
  expect(loop.store.steps).toEqual([expect.objectContaining({ finishReason: "cancelled", parts: [expect.anything(), { type: "text", text: "You" }] })]);
});

it("reports the tool a cancel stops, and every call after it, as interrupted", async () => {
  // The cancel comes once the first Wait runs (it would wait forever otherwise).
  const loop = agentLoopOf(dir, { tools: () => [waitTool], onEvent: (entry) => entry.event === "tool_execution_start" && setImmediate(loop.cancel) });
  const outcome = await loop.run("@tool Wait {}\n@tool Wait {}");

  expect(outcome).toMatchObject({ status: "cancelled", steps: 1 });
  const results = loop.store.steps[0]!.parts.filter((part) => part.type === "tool_result");
  expect(results).toEqual([
    { type: "tool_result", toolCallId: expect.any(String), result: INTERRUPTED_RESULT, isError: true },
    { type: "tool_result", toolCallId: expect.any(String), result: INTERRUPTED_RESULT, isError: true },
  ]);
  const completions = loop.seen.filter((entry) => entry.event === "tool_execution_complete").map((entry) => entry.data);
  expect(completions).toEqual([
    expect.objectContaining({ progress: "Interrupted", success: false }),
    expect.objectContaining({ progress: "Interrupted", success: false }),
  ]);
});

it("writes nothing more once the lease is lost: the step it was streaming is not stored", async () => {
  const loop = agentLoopOf(dir, { onEvent: (entry) => entry.event === "content" && loop.loseLease() });
  await expect(loop.run("hello there")).rejects.toBeInstanceOf(LeaseLostError);
  expect(loop.store.steps).toEqual([]);
});

/** A tool that answers at once. */
const noteTool = defineTool({
  name: "Note",
  description: "Notes nothing",
  inputSchema: z.strictObject({}),
  readOnly: true,
  requiresPermission: false,
  category: "planning",
  execute: async () => "noted",
});

it("stops before a model call the workspace's credits cannot pay for, keeping the steps it stored", async () => {
  const asked: string[] = [];
  const credits = { refusal: async (workspaceId: string) => (asked.push(workspaceId) > 1 ? "The workspace's credits are used up" : null) };
  const loop = agentLoopOf(dir, { tools: () => [noteTool], credits });
  const outcome = await loop.run("@tool Note {}");

  expect(outcome).toMatchObject({ status: "credits_exhausted", steps: 1, stopReason: "The workspace's credits are used up" });
  // Asked before each call, for the run's workspace: the first went ahead, the second was never made.
  expect(asked).toEqual(["w", "w"]);
  expect(loop.store.steps).toHaveLength(1);
  expect(loop.store.steps[0]!.parts.map((part) => part.type)).toEqual(["reasoning", "text", "tool_call", "tool_result"]);
});
