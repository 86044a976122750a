/**
 * Questions the agent asks (its notify_user tool) through MCP, on the scripted model (`@tool notify_user
 * <json>` lines make it ask): send_message stops at the question with status awaiting_input,
 * answer_notification answers it (from any instance, checked as the REST route checks it), and
 * wait_for_reply follows the rest of the reply to the answer.
 */
import { SYSTEM_ACTOR } from "@mix/core";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connectClient, resultText, startMcpStack, type McpStack } from "./helpers/mcp-stack";

interface PendingQuestion {
  notificationId: string;
  title: string;
  message: string;
  responseType: string;
  choices?: string[];
  timeout: number;
  defaultValue?: string;
  bySubagent: boolean;
}

interface Reply {
  sessionId: string;
  messageId: string;
  status: string;
  answer: string;
  toolCalls: { id: string; name: string; status: string }[];
  pendingQuestion?: PendingQuestion;
  pendingPermission?: unknown;
  note?: string;
}

const COLOUR = { type: "question", title: "Colour", message: "Which one?", responseType: "choice", choices: ["red", "blue"] };
const notifyText = (input: object) => `check with me\n@tool notify_user ${JSON.stringify(input)}`;

let stack: McpStack;
let client: Client;
/** A client of the second instance: answers need not come where the question was seen. */
let other: Client;
let workspaceId: string;
const extraClients: Client[] = [];

beforeAll(async () => {
  stack = await startMcpStack({ label: "mcp-notifications", instances: 2 });
  client = await connectClient(stack.instances[0]!.url, stack.key);
  other = await connectClient(stack.instances[1]!.url, stack.key);
  workspaceId = (await stack.instances[0]!.services.apiKeys.authenticate(stack.key))!.workspaceId;
});
afterAll(async () => {
  await Promise.all([client, other, ...extraClients].map((each) => each?.close()));
  await stack?.close();
});

const services = () => stack.instances[0]!.services;

async function clientWith(key: string, instance = 0): Promise<Client> {
  const connected = await connectClient(stack.instances[instance]!.url, key);
  extraClients.push(connected);
  return connected;
}

const createSession = async (title: string) => {
  const result = await client.callTool({ name: "create_session", arguments: { title } });
  return (result.structuredContent as { id: string }).id;
};

const send = async (sessionId: string, text: string, progress: string[] = []) => {
  const result = await client.callTool({ name: "send_message", arguments: { session_id: sessionId, text, timeout_seconds: 60 } }, undefined, {
    onprogress: (update) => progress.push(update.message ?? ""),
    timeout: 20_000,
  });
  expect(result.isError).toBeFalsy();
  return result.structuredContent as unknown as Reply;
};

const waitForReply = async (sessionId: string, messageId: string, on: Client = client) => {
  const result = await on.callTool({ name: "wait_for_reply", arguments: { session_id: sessionId, message_id: messageId, timeout_seconds: 60 } }, undefined, {
    timeout: 20_000,
  });
  expect(result.isError).toBeFalsy();
  return result.structuredContent as unknown as Reply;
};

const answer = (on: Client, args: Record<string, unknown>) => on.callTool({ name: "answer_notification", arguments: args });

/** Asks a question in a new session and returns send_message's result, paused at it. */
async function asked(title: string, input: object, progress: string[] = []) {
  const sessionId = await createSession(title);
  const startedAt = Date.now();
  const paused = await send(sessionId, notifyText(input), progress);
  // Returned once the agent asked, far before send_message's 60 s timeout.
  expect(Date.now() - startedAt).toBeLessThan(15_000);
  expect(paused.status).toBe("awaiting_input");
  return { sessionId, paused, id: paused.pendingQuestion!.notificationId };
}

it("lists answer_notification with its arguments and honest annotations", async () => {
  const { tools } = await client.listTools();
  const tool = tools.find((each) => each.name === "answer_notification")!;
  expect(tool.inputSchema.required).toEqual(["notification_id", "response_type"]);
  expect(tool.annotations).toEqual({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false });
  expect(tool.outputSchema?.properties).toEqual(expect.objectContaining({ notificationId: expect.anything(), responseType: expect.anything() }));
});

it("stops at a choice question; a wrong answer is refused, the right one taken, and wait_for_reply follows to the end", async () => {
  const progress: string[] = [];
  const { sessionId, paused, id } = await asked("Choice", COLOUR, progress);
  expect(paused).toMatchObject({
    sessionId,
    toolCalls: [{ name: "notify_user", status: "running" }],
    pendingQuestion: {
      notificationId: expect.any(String),
      title: "Colour",
      message: "Which one?",
      responseType: "choice",
      choices: ["red", "blue"],
      bySubagent: false,
    },
  });
  expect(paused.pendingPermission).toBeUndefined();
  expect(paused.pendingQuestion).not.toHaveProperty("defaultValue");
  // The server's default wait, in seconds.
  expect(paused.pendingQuestion!.timeout).toBe(Math.round(stack.config.NOTIFICATION_TIMEOUT_MS / 1_000));
  expect(paused.note).toContain(`answer_notification with notification_id ${id} and response_type 'choice' (one of ["red","blue"])`);
  expect(paused.note).toContain(`wait_for_reply with session_id ${sessionId} and message_id ${paused.messageId}`);
  expect(progress.at(-1)).toBe(`[waiting for an answer to question ${id}: Colour]`);

  // Asked again before anyone answered, wait_for_reply stops at the same question.
  const still = await waitForReply(sessionId, paused.messageId, other);
  expect(still).toMatchObject({ status: "awaiting_input", pendingQuestion: paused.pendingQuestion });

  const wrongType = await answer(other, { notification_id: id, response_type: "text", value: "blue" });
  expect(wrongType.isError).toBe(true);
  expect(resultText(wrongType)).toBe("Error 400 (validation_error): This notification takes a 'choice' response, not 'text'");
  const notOffered = await answer(other, { notification_id: id, response_type: "choice", value: "green" });
  expect(resultText(notOffered)).toBe('Error 400 (validation_error): value must be one of the choices: "red", "blue"');
  const noValue = await answer(other, { notification_id: id, response_type: "choice" });
  expect(resultText(noValue)).toBe("Error 400 (validation_error): value is required for a 'choice' response");
  const tooLong = await answer(other, { notification_id: id, response_type: "choice", value: "b".repeat(10_001) });
  expect(resultText(tooLong)).toContain("value must be at most 10000 characters");
  // None of that answered it.
  expect((await services().notifications.pending(workspaceId, sessionId)).notifications).toEqual([expect.objectContaining({ id })]);

  const taken = await answer(other, { notification_id: id, response_type: "choice", value: "blue" });
  expect(taken.isError).toBeFalsy();
  expect(taken.structuredContent).toEqual({ notificationId: id, responseType: "choice" });

  const done = await waitForReply(sessionId, paused.messageId);
  expect(done).toMatchObject({ status: "completed", toolCalls: [{ id: paused.toolCalls[0]!.id, name: "notify_user", status: "succeeded" }] });
  expect(done.pendingQuestion).toBeUndefined();
  expect(done.answer.startsWith(paused.answer)).toBe(true);
  // The scripted model's summary of the tool's result: it was told the answer.
  expect(done.answer).toContain("notify_user succeeded: The user chose: blue");

  const again = await answer(client, { notification_id: id, response_type: "choice", value: "blue" });
  expect(again.isError).toBe(true);
  expect(resultText(again)).toBe(`Error 404 (not_found): Notification ${id} was already answered`);
});

it("takes a text answer, and shows the question's stated wait and default", async () => {
  const { sessionId, paused, id } = await asked("Text", {
    type: "question",
    title: "Title",
    message: "What should the report be called?",
    responseType: "text",
    timeoutSeconds: 90,
    default: "Report",
  });
  expect(paused.pendingQuestion).toEqual({
    notificationId: id,
    title: "Title",
    message: "What should the report be called?",
    responseType: "text",
    timeout: 90,
    defaultValue: "Report",
    bySubagent: false,
  });
  expect(paused.note).toContain("response_type 'text' (text) within 90 s");
  const wrongType = await answer(client, { notification_id: id, response_type: "acknowledge" });
  expect(resultText(wrongType)).toBe("Error 400 (validation_error): This notification takes a 'text' response, not 'acknowledge'");
  expect((await answer(other, { notification_id: id, response_type: "text", value: "Quarterly review" })).isError).toBeFalsy();
  const done = await waitForReply(sessionId, paused.messageId);
  expect(done.status).toBe("completed");
  expect(done.answer).toContain("notify_user succeeded: The user answered:");
  // The whole answer, its line break too, is the stored result of the call.
  const stored = await services().messages.list(workspaceId, sessionId);
  expect(stored.flatMap((message) => message.toolCalls ?? [])).toEqual([
    expect.objectContaining({ name: "notify_user", isError: false, result: "The user answered:\nQuarterly review" }),
  ]);
});

it("takes an acknowledgement", async () => {
  const { sessionId, paused, id } = await asked("Ack", {
    type: "question",
    title: "Heads up",
    message: "I will rewrite the intro.",
    responseType: "acknowledge",
  });
  expect(paused.pendingQuestion).toMatchObject({ responseType: "acknowledge" });
  expect(paused.pendingQuestion).not.toHaveProperty("choices");
  expect(paused.note).toContain("response_type 'acknowledge' (acknowledge)");
  expect((await answer(client, { notification_id: id, response_type: "acknowledge" })).structuredContent).toEqual({
    notificationId: id,
    responseType: "acknowledge",
  });
  const done = await waitForReply(sessionId, paused.messageId);
  expect(done).toMatchObject({ status: "completed", toolCalls: [{ name: "notify_user", status: "succeeded" }] });
  expect(done.answer).toContain("notify_user succeeded: The user acknowledged.");
});

it("does not stop at a notice: the reply completes without an answer", async () => {
  const sessionId = await createSession("Notice");
  const reply = await send(sessionId, notifyText({ type: "warning", title: "Slow", message: "This may take a while." }));
  expect(reply).toMatchObject({ status: "completed", toolCalls: [{ name: "notify_user", status: "succeeded" }] });
  expect(reply.pendingQuestion).toBeUndefined();
  expect(reply.answer).toContain('notify_user succeeded: Shown to the user as warning: "Slow".');
});

it("stops at a question a subagent asks, with the Task call still running", async () => {
  const sessionId = await createSession("Subagent");
  const task = { description: "Ask about the colour", prompt: notifyText(COLOUR) };
  const paused = await send(sessionId, `delegate\n@tool Task ${JSON.stringify(task)}`);
  expect(paused).toMatchObject({
    status: "awaiting_input",
    toolCalls: [{ name: "Task", status: "running" }],
    pendingQuestion: { title: "Colour", responseType: "choice", bySubagent: true },
  });
  const id = paused.pendingQuestion!.notificationId;
  expect((await answer(client, { notification_id: id, response_type: "choice", value: "red" })).isError).toBeFalsy();
  const done = await waitForReply(sessionId, paused.messageId);
  expect(done).toMatchObject({ status: "completed", toolCalls: [{ name: "Task", status: "succeeded" }] });
  expect(done.pendingQuestion).toBeUndefined();
});

it("refuses an unknown id, another workspace's question, and a read_only key", async () => {
  const unknown = await answer(client, { notification_id: "no-such-notification", response_type: "acknowledge" });
  expect(unknown.isError).toBe(true);
  expect(resultText(unknown)).toBe("Error 404 (not_found): Notification no-such-notification not found");

  const { sessionId, paused, id } = await asked("Refusals", COLOUR);
  const foreign = await answer(await clientWith(stack.otherKey, 1), { notification_id: id, response_type: "choice", value: "red" });
  expect(foreign.isError).toBe(true);
  expect(resultText(foreign)).toBe(`Error 404 (not_found): Notification ${id} not found`);

  const { secret } = await services().keysAdmin.create(workspaceId, { actor: SYSTEM_ACTOR, role: "owner" }, { name: "mcp reader", role: "read_only" });
  const reader = await clientWith(secret);
  const refused = await answer(reader, { notification_id: id, response_type: "choice", value: "red" });
  expect(refused.isError).toBe(true);
  expect(resultText(refused)).toBe("Error 403 (unauthorized): Forbidden: answer_notification needs the member role or above; this API key's role is read_only");
  // A reader may still follow the reply, and sees what it waits on.
  expect(await waitForReply(sessionId, paused.messageId, reader)).toMatchObject({ status: "awaiting_input", pendingQuestion: { notificationId: id } });

  // None of them answered it: it still waits, and the owner's answer ends the reply.
  expect((await services().notifications.pending(workspaceId, sessionId)).notifications).toEqual([expect.objectContaining({ id })]);
  expect((await answer(client, { notification_id: id, response_type: "choice", value: "red" })).isError).toBeFalsy();
  const done = await waitForReply(sessionId, paused.messageId);
  expect(done.answer).toContain("notify_user succeeded: The user chose: red");
});
