/**
 * send_message and wait_for_reply across a worker killed with SIGKILL mid-step: the worker that
 * resumes the run announces the dead one's step as abandoned and streams it again, and the
 * answer is exactly the stored reply, without the dead worker's partial text. The workers here
 * are processes of their own (core's run worker), so one can be killed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { waitFor } from "@mix/testing";
import { connectClient, startMcpStack, type McpStack } from "./helpers/mcp-stack";

// What the worker app runs, without its signal handling: SIGKILL is the point.
const WORKER_SCRIPT = `const core = require("@mix/core"); core.startRunWorker(core.loadConfig(), core.createLogger("test-worker", "warn"));`;

let stack: McpStack;
let client: Client;

beforeAll(async () => {
  stack = await startMcpStack({
    label: "mcp-lost-worker",
    workers: 0,
    // A step takes about 3 s, and a dead worker's run is free again after 2 s.
    env: { SCRIPTED_DELAY_MS: "30", SCRIPTED_CONTENT_DELTAS: "100", SCRIPTED_REASONING_DELTAS: "0", RUN_LEASE_MS: "2000", RUN_STALLED_CHECK_MS: "1000" },
  });
  client = await connectClient(stack.instances[0]!.url, stack.key);
});
afterAll(async () => {
  await client?.close();
  await stack?.close();
});

function startWorker(): { child: ChildProcess; exited: Promise<unknown> } {
  const child = spawn(process.execPath, ["-e", WORKER_SCRIPT], { cwd: join(__dirname, ".."), env: { ...process.env, ...stack.env }, stdio: "ignore" });
  return { child, exited: new Promise((resolve) => child.on("exit", resolve)) };
}

interface Reply {
  status: string;
  answer: string;
  messageId: string;
}

it("answers with exactly the stored reply after the worker streaming it was killed", async () => {
  const { events } = stack.instances[0]!.infrastructure;
  const created = await client.callTool({ name: "create_session", arguments: { title: "Lost worker" } });
  const sessionId = (created.structuredContent as { id: string }).id;
  const first = startWorker();
  let second: ReturnType<typeof startWorker> | undefined;
  try {
    const progress: string[] = [];
    const sending = client.callTool(
      { name: "send_message", arguments: { session_id: sessionId, text: "Tell me about lost workers", timeout_seconds: 60 } },
      undefined,
      {
        onprogress: (update) => progress.push(update.message ?? ""),
        timeout: 60_000,
      },
    );
    const contentEvents = async () => (await events.readAfter(sessionId, 0, 10_000)).filter((event) => event.event === "content").length;
    await waitFor(async () => (await contentEvents()) >= 10, { timeoutMs: 20_000, what: "the step to be streaming" });
    second = startWorker();
    first.child.kill("SIGKILL");
    await first.exited;

    const reply = (await sending).structuredContent as unknown as Reply;
    const messages = await client.callTool({ name: "get_messages", arguments: { session_id: sessionId } });
    const stored = (messages.structuredContent as { messages: { role: string; assistantResponse?: string }[] }).messages;
    expect(stored.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(reply).toMatchObject({ status: "completed", answer: stored[1]!.assistantResponse });
    expect(reply.answer).toMatch(/^You said: Tell me about lost workers/);
    expect(progress.filter((message) => message.startsWith("[step restarted"))).toHaveLength(1);

    const waited = await client.callTool({ name: "wait_for_reply", arguments: { session_id: sessionId, message_id: reply.messageId } });
    expect(waited.structuredContent).toMatchObject({ status: "completed", answer: reply.answer });
  } finally {
    if (first.child.exitCode === null) first.child.kill("SIGKILL");
    if (second) {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  }
}, 90_000);
