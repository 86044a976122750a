/**
 * Notifications end to end on two API instances and a worker, on the scripted model (its
 * `@tool notify_user <json>` lines make the agent ask): a question shown on one instance's stream is
 * answered through the other and the run goes on with the answer; a notice does not wait; wrong
 * answers are refused and leave the question pending; an unanswered question times out to its
 * stated default; a cancelled run's question can no longer be answered; and a client that
 * connects or reconnects late is shown what waits for an answer (questions and permission
 * requests) again. Events and answers are checked against the v0.11.4 contract.
 */
import request, { type Response } from "supertest";
import { waitFor, type SseClient, type SseEvent } from "@mix/testing";
import { createRoleKeys, workspaceOf } from "./helpers/role-keys";
import { createSession, isComplete, openStream, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestApi, type TestStack } from "./helpers/test-stack";
import { CONTRACT_V0114_PATH, ContractSchema, describeErrors } from "./contract/contract-schema";

const contract = new ContractSchema(CONTRACT_V0114_PATH);
const RESPOND = "/api/notifications/{id}/respond";
/** The wait of a question that states none, from the stack's NOTIFICATION_TIMEOUT_MS. */
const DEFAULT_TIMEOUT_SECONDS = 120;

let stack: TestStack;
let a: TestApi;
let b: TestApi;
let readOnlyKey: string;

beforeAll(async () => {
  stack = await startTestStack({ label: "notifications", apiInstances: 2, env: { NOTIFICATION_TIMEOUT_MS: String(DEFAULT_TIMEOUT_SECONDS * 1_000) } });
  [a, b] = [stack.apis[0]!, stack.apis[1]!];
  const workspaceId = await workspaceOf(a.api.services, stack.key);
  readOnlyKey = (await createRoleKeys(a.api.services, workspaceId)).read_only.secret;
});
afterAll(() => stack?.close());

interface NotifyInput {
  type: "info" | "warning" | "error" | "question";
  title: string;
  message: string;
  responseType?: "acknowledge" | "text" | "choice";
  choices?: string[];
  timeoutSeconds?: number;
  default?: string;
}

const notifyMessage = (input: NotifyInput) => `check with me\n@tool notify_user ${JSON.stringify(input)}`;
const isNotification = (event: SseEvent) => event.event === "notification";
const isPermission = (event: SseEvent) => event.event === "permission";

/** The event matches the contract's schema for its name (SSENotificationEvent, SSEPermissionEvent). */
function expectContractEvent(event: SseEvent, schema: string): void {
  const validate = contract.schema(schema);
  const valid = validate({ id: event.id, event: event.event, data: event.data });
  expect({ schema, data: event.data, errors: valid ? "" : describeErrors(validate) }).toEqual({ schema, data: event.data, errors: "" });
}

/** The answer's status, and its body matches what the contract declares for it (errors: ErrorResponse). */
function expectContractAnswer(response: Response, status: number): void {
  expect({ status: response.status, body: response.body }).toMatchObject({ status });
  if (status === 204) {
    expect(response.text).toBe("");
    return;
  }
  const validate = contract.responseValidator("POST", RESPOND, status) ?? contract.schema("ErrorResponse");
  const valid = validate(response.body);
  expect({ status, errors: valid ? "" : describeErrors(validate) }).toEqual({ status, errors: "" });
  expect(response.body.error).toMatchObject({ code: status });
}

const respond = (on: TestApi, id: string, body: unknown, key = stack.key) =>
  request(on.url)
    .post(`/api/notifications/${encodeURIComponent(id)}/respond`)
    .set(bearer(key))
    .send(body as object);

async function respondExpecting(on: TestApi, id: string, body: unknown, status: number, message?: string | RegExp): Promise<Response> {
  const response = await respond(on, id, body);
  expectContractAnswer(response, status);
  if (message !== undefined) {
    expect(response.body.error.message).toEqual(typeof message === "string" ? message : expect.stringMatching(message));
  }
  return response;
}

const pendingOf = async (on: TestApi, sessionId: string, key = stack.key) =>
  (await request(on.url).get(`/api/sessions/${sessionId}/pending`).set(bearer(key)).expect(200)).body as {
    permissions: Record<string, unknown>[];
    notifications: Record<string, unknown>[];
  };

async function notifyToolCall(sessionId: string) {
  const messages = (await request(a.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body as {
    role: string;
    assistantResponse?: string;
    toolCalls?: { name: string; result?: string; isError?: boolean }[];
  }[];
  // One assistant message per step: the one that called notify_user, then the answer after its result.
  const assistants = messages.filter((message) => message.role === "assistant");
  expect(assistants).toHaveLength(2);
  expect(assistants[0]!.toolCalls).toHaveLength(1);
  return { call: assistants[0]!.toolCalls![0]!, followUp: assistants[1]!.assistantResponse ?? "" };
}

interface Asked {
  sessionId: string;
  stream: SseClient;
  asked: SseEvent;
  sentAt: number;
}

/** A new session whose run, posted to and streamed from instance A, calls notify_user; resolves once its event is shown. */
async function ask(input: NotifyInput): Promise<Asked> {
  const sessionId = await createSession(a.url, stack.key);
  const stream = await openStream(a.url, stack.key, sessionId);
  const sentAt = Date.now();
  await sendMessage(a.url, stack.key, sessionId, notifyMessage(input));
  const asked = await stream.waitForEvent(isNotification, 10_000, "the notification event");
  return { sessionId, stream, asked, sentAt };
}

const streams: SseClient[] = [];
afterEach(() => streams.splice(0).forEach((stream) => stream.close()));
const track = (stream: SseClient) => (streams.push(stream), stream);

describe("a question answered through the other instance", () => {
  const CASES: [string, NotifyInput, { type: string; value?: string }, string][] = [
    [
      "choice",
      { type: "question", title: "Colour", message: "Which one?", responseType: "choice", choices: ["red", "blue"] },
      { type: "choice", value: "blue" },
      "The user chose: blue",
    ],
    [
      "text",
      { type: "question", title: "Name", message: "What should the report be called?", responseType: "text" },
      { type: "text", value: "Quarterly review\nsecond draft" },
      "The user answered:\nQuarterly review\nsecond draft",
    ],
    [
      "acknowledge",
      { type: "question", title: "Heads up", message: "I will rewrite the intro.", responseType: "acknowledge" },
      { type: "acknowledge" },
      "The user acknowledged.",
    ],
  ];

  it.each(CASES)("%s: shown on A, answered on B, and the run goes on with the answer", async (responseType, input, answer, told) => {
    const { sessionId, stream, asked, sentAt } = await ask(input);
    track(stream);
    expectContractEvent(asked, "SSENotificationEvent");
    const id = asked.data.id as string;
    expect(asked.data).toEqual({
      type: "notification",
      id: expect.any(String),
      sessionId,
      notificationType: "question",
      title: input.title,
      message: input.message,
      responseType,
      timeout: DEFAULT_TIMEOUT_SECONDS,
      createdAt: expect.any(Number),
      ...(input.choices ? { choices: input.choices } : {}),
    });
    expect(asked.data.createdAt).toBeGreaterThanOrEqual(Math.floor(sentAt / 1_000));
    expect(asked.data.createdAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1_000));

    // It waits: listed as pending on the other instance, and the run has not ended.
    expect(await pendingOf(b, sessionId)).toEqual({ permissions: [], notifications: [asked.data] });
    expect(stream.events.some(isComplete)).toBe(false);

    await respondExpecting(b, id, answer, 204);
    const complete = await stream.waitForEvent(isComplete, 10_000, "the run to complete");
    expect(complete.data).toMatchObject({ type: "complete" });
    const finished = stream.events.find((event) => event.event === "tool_execution_complete");
    expect(finished?.data).toMatchObject({ toolName: "notify_user", success: true });

    const { call, followUp } = await notifyToolCall(sessionId);
    expect(call).toMatchObject({ name: "notify_user", isError: false, result: told });
    // The scripted model's summary of the result: the model was told the answer.
    expect(followUp).toContain(`notify_user succeeded: ${told.split("\n")[0]}`);
    expect(await pendingOf(a, sessionId)).toEqual({ permissions: [], notifications: [] });

    // Answered once: the same answer again, on either instance, is a 404.
    await respondExpecting(b, id, answer, 404, `Notification ${id} was already answered`);
    await respondExpecting(a, id, answer, 404, `Notification ${id} was already answered`);
  });
});

describe("a question a subagent asks", () => {
  it("is shown on the parent's stream tagged with the Task call, listed on the parent, and answered there", async () => {
    const sessionId = await createSession(a.url, stack.key);
    const stream = track(await openStream(a.url, stack.key, sessionId));
    const task = {
      description: "Ask about the colour",
      prompt: notifyMessage({ type: "question", title: "Colour", message: "Which one?", responseType: "choice", choices: ["red", "blue"] }),
    };
    await sendMessage(a.url, stack.key, sessionId, `delegate\n@tool Task ${JSON.stringify(task)}`);
    const asked = await stream.waitForEvent(isNotification, 10_000, "the subagent's question");
    expectContractEvent(asked, "SSENotificationEvent");
    const taskCall = stream.events.find((event) => event.event === "tool_use_start" && event.data.name === "Task");
    expect(taskCall).toBeDefined();
    const taskCallId = taskCall!.data.id as string;
    // The asking session is the subagent's own, the stream the parent's.
    expect(asked.data).toMatchObject({ notificationType: "question", title: "Colour", parentToolCallId: taskCallId });
    expect(asked.data.sessionId).not.toBe(sessionId);
    expect(await pendingOf(b, sessionId)).toEqual({ permissions: [], notifications: [asked.data] });

    await respondExpecting(b, asked.data.id as string, { type: "choice", value: "red" }, 204);
    await stream.waitForEvent((event) => isComplete(event) && event.data.parentToolCallId === undefined, 10_000, "the parent's run to complete");
    const taskDone = stream.events.find((event) => event.event === "tool_execution_complete" && event.data.toolName === "Task");
    expect(taskDone?.data).toMatchObject({ success: true });
    const subagentDone = stream.events.find((event) => event.event === "tool_execution_complete" && event.data.toolName === "notify_user");
    expect(subagentDone?.data).toMatchObject({ success: true, parentToolCallId: taskCallId });
    expect(await pendingOf(b, sessionId)).toEqual({ permissions: [], notifications: [] });
  });
});

describe("a notice", () => {
  it("does not hold the run up, is not listed as pending, and can be acknowledged once", async () => {
    const sessionId = await createSession(a.url, stack.key);
    const stream = track(await openStream(a.url, stack.key, sessionId));
    await sendMessage(a.url, stack.key, sessionId, notifyMessage({ type: "info", title: "FYI", message: "Indexing the files first." }));
    // Nobody answers, and the run completes all the same.
    await stream.waitForEvent(isComplete, 10_000, "the run to complete without an answer");
    const shown = stream.events.filter(isNotification);
    expect(shown).toHaveLength(1);
    expectContractEvent(shown[0]!, "SSENotificationEvent");
    expect(shown[0]!.data).toMatchObject({
      sessionId,
      notificationType: "info",
      title: "FYI",
      message: "Indexing the files first.",
      responseType: "acknowledge",
    });
    expect(shown[0]!.data).not.toHaveProperty("choices");
    expect(shown[0]!.data).not.toHaveProperty("defaultValue");

    const { call } = await notifyToolCall(sessionId);
    expect(call).toMatchObject({ name: "notify_user", isError: false, result: 'Shown to the user as info: "FYI".' });
    expect(await pendingOf(b, sessionId)).toEqual({ permissions: [], notifications: [] });

    const id = shown[0]!.data.id as string;
    await respondExpecting(b, id, { type: "text", value: "ok" }, 400, "This notification takes a 'acknowledge' response, not 'text'");
    await respondExpecting(b, id, { type: "acknowledge" }, 204);
    await respondExpecting(a, id, { type: "acknowledge" }, 404, `Notification ${id} was already answered`);
  });
});

describe("answers that are refused", () => {
  let asked: Asked;
  let id: string;

  beforeAll(async () => {
    asked = await ask({ type: "question", title: "Colour", message: "Which one?", responseType: "choice", choices: ["red", "blue"] });
    id = asked.asked.data.id as string;
  });
  afterAll(() => asked?.stream.close());

  it.each<[string, unknown, string | RegExp]>([
    ["a response of another type", { type: "text", value: "red" }, "This notification takes a 'choice' response, not 'text'"],
    ["acknowledging a choice", { type: "acknowledge" }, "This notification takes a 'choice' response, not 'acknowledge'"],
    ["a choice not offered", { type: "choice", value: "green" }, 'value must be one of the choices: "red", "blue"'],
    ["a choice differing in case", { type: "choice", value: "Red" }, 'value must be one of the choices: "red", "blue"'],
    ["a missing value", { type: "choice" }, "value is required for a 'choice' response"],
    ["a blank value", { type: "choice", value: "   " }, "value is required for a 'choice' response"],
    ["a NUL byte in the value", { type: "choice", value: "re\u0000d" }, /NUL/],
    ["a value over 10000 characters", { type: "choice", value: "r".repeat(10_001) }, /value must be at most 10000 characters/],
    ["a value that is not a string", { type: "choice", value: 1 }, /value must be a string/],
    ["an unknown type", { type: "maybe", value: "red" }, /type must be 'acknowledge', 'text' or 'choice'/],
    ["no type", { value: "red" }, /type must be 'acknowledge', 'text' or 'choice'/],
  ])("refuses %s with 400", async (_name, body, message) => {
    const response = await respondExpecting(b, id, body, 400, message);
    expect(response.body.error.type).toBe("validation_error");
  });

  it("refuses a malformed JSON body with 400", async () => {
    const response = await request(b.url)
      .post(`/api/notifications/${id}/respond`)
      .set(bearer(stack.key))
      .set("Content-Type", "application/json")
      .send('{"type":"choice","value":');
    expectContractAnswer(response, 400);
    expect(response.body.error.message).toMatch(/^Malformed JSON in request body/);
  });

  it("answers 404 for an unknown id, and exactly the same for another workspace's id", async () => {
    const unknown = await respondExpecting(b, "no-such-notification", { type: "choice", value: "red" }, 404, "Notification no-such-notification not found");
    const foreign = await respond(b, id, { type: "choice", value: "red" }, stack.otherKey);
    expectContractAnswer(foreign, 404);
    expect(foreign.body).toEqual(JSON.parse(JSON.stringify(unknown.body).replaceAll("no-such-notification", id)));
    // Nor can the other workspace see what the session waits on.
    await request(b.url).get(`/api/sessions/${asked.sessionId}/pending`).set(bearer(stack.otherKey)).expect(404);
    await request(b.url).get("/api/sessions/no-such-session/pending").set(bearer(stack.key)).expect(404);
  });

  it("refuses a read_only key with 403, though it may list what waits", async () => {
    const response = await respond(b, id, { type: "choice", value: "red" }, readOnlyKey);
    expectContractAnswer(response, 403);
    expect(await pendingOf(b, asked.sessionId, readOnlyKey)).toEqual({ permissions: [], notifications: [asked.asked.data] });
  });

  it("left the question waiting: the right answer is still taken, and the run ends with it", async () => {
    expect(asked.stream.events.some(isComplete)).toBe(false);
    expect(await pendingOf(a, asked.sessionId)).toEqual({ permissions: [], notifications: [asked.asked.data] });
    await respondExpecting(b, id, { type: "choice", value: "red" }, 204);
    await asked.stream.waitForEvent(isComplete, 10_000, "the run to complete");
    expect((await notifyToolCall(asked.sessionId)).call).toMatchObject({ isError: false, result: "The user chose: red" });
  });
});

describe("no answer in time", () => {
  it("goes on with the stated default, or without an answer, and the model is told", async () => {
    const [withDefault, without] = await Promise.all([
      ask({ type: "question", title: "Size", message: "Which size?", responseType: "choice", choices: ["S", "M", "L"], timeoutSeconds: 5, default: "M" }),
      ask({ type: "question", title: "Notes", message: "Anything to add?", responseType: "text", timeoutSeconds: 5 }),
    ]);
    track(withDefault.stream);
    track(without.stream);
    expectContractEvent(withDefault.asked, "SSENotificationEvent");
    expect(withDefault.asked.data).toMatchObject({ timeout: 5, defaultValue: "M", choices: ["S", "M", "L"] });
    expect(without.asked.data).toMatchObject({ timeout: 5, responseType: "text" });
    expect(without.asked.data).not.toHaveProperty("defaultValue");

    const ends = await Promise.all(
      [withDefault, without].map(({ stream }) => stream.waitForEvent(isComplete, 15_000, "the run to complete after the timeout")),
    );
    for (const [i, { asked }] of [withDefault, without].entries()) {
      // It waited the stated time (less a margin for the event's delivery), not less.
      expect(ends[i]!.receivedAt - asked.receivedAt).toBeGreaterThanOrEqual(4_500);
    }
    expect((await notifyToolCall(withDefault.sessionId)).call).toMatchObject({
      isError: false,
      result: "No answer came within 5 seconds; going with the stated default: M",
    });
    expect((await notifyToolCall(without.sessionId)).call.result).toBe("No answer came within 5 seconds. Go on without it if you can, or ask again later.");

    for (const { sessionId, asked } of [withDefault, without]) {
      expect(await pendingOf(b, sessionId)).toEqual({ permissions: [], notifications: [] });
      const id = asked.data.id as string;
      await respondExpecting(b, id, { type: asked.data.responseType, value: "L" }, 404, `Notification ${id} was not answered in time`);
    }
  });
});

describe("a run cancelled while it waits", () => {
  it("ends cancelled, and its question can no longer be answered", async () => {
    const { sessionId, stream, asked } = await ask({
      type: "question",
      title: "Go on?",
      message: "Shall I continue?",
      responseType: "choice",
      choices: ["yes", "no"],
    });
    track(stream);
    await request(b.url).post(`/api/sessions/${sessionId}/cancel`).set(bearer(stack.key)).expect(200, { cancelled: true });
    const complete = await stream.waitForEvent(isComplete, 10_000, "the cancelled run's end");
    expect(complete.data).toMatchObject({ type: "cancelled" });
    // The question is settled as cancelled on its way out (the cancel does not wait on Redis for it).
    await waitFor(async () => (await pendingOf(b, sessionId)).notifications.length === 0, { what: "the question to leave the pending list" });
    const id = asked.data.id as string;
    await respondExpecting(b, id, { type: "choice", value: "yes" }, 404, `Notification ${id} can no longer be answered (its run was cancelled)`);
  });
});

describe("shown again to a client that connects late", () => {
  /**
   * Connects to instance B after the request was shown on A: once without a last id, once
   * resuming after the request's own event. Each gets the request's frame exactly once, with the
   * connection's resume id as its id.
   */
  async function expectShownAgain(sessionId: string, original: SseEvent, match: (event: SseEvent) => boolean, lastSeenId: string) {
    const late = track(await openStream(b.url, stack.key, sessionId));
    const connected = late.events.find((event) => event.event === "connected")!;
    const lateFrame = await late.waitForEvent(match, 5_000, "the request shown to a late client");
    expect(lateFrame.data).toEqual(original.data);
    expect(lateFrame.id).toBe(connected.id);

    const resumed = track(await openStream(b.url, stack.key, sessionId, lastSeenId));
    const resumedFrame = await resumed.waitForEvent(match, 5_000, "the request shown to a resuming client");
    expect(resumedFrame.data).toEqual(original.data);
    // Not a new id: resuming from this frame's id loses nothing and repeats nothing.
    expect(resumedFrame.id).toBe(lastSeenId);

    // One resuming from before the request gets it from the log, under its own id, and not twice.
    const replayed = track(await openStream(b.url, stack.key, sessionId, String(Number(original.id) - 1)));
    const replayedFrame = await replayed.waitForEvent(match, 5_000, "the request replayed from the log");
    expect(replayedFrame).toMatchObject({ id: original.id, data: original.data });
    return [late, resumed, replayed];
  }

  it("shows a waiting question again, on connect and on reconnect after its event", async () => {
    const { sessionId, stream, asked } = await ask({
      type: "question",
      title: "Colour",
      message: "Which one?",
      responseType: "choice",
      choices: ["red", "blue"],
    });
    track(stream);
    // The last id A's client saw: the question's event or one after it.
    const lastSeenId = stream.logEvents.at(-1)!.id!;
    expect(Number(lastSeenId)).toBeGreaterThanOrEqual(Number(asked.id));

    const clients = await expectShownAgain(sessionId, asked, isNotification, lastSeenId);
    for (const client of clients) expectContractEvent(client.events.find(isNotification)!, "SSENotificationEvent");

    await respondExpecting(b, asked.data.id as string, { type: "choice", value: "blue" }, 204);
    for (const client of [stream, ...clients]) await client.waitForEvent(isComplete, 10_000, "the run to complete on every client");
    for (const client of clients) expect(client.events.filter(isNotification)).toHaveLength(1);
    expect(await pendingOf(b, sessionId)).toEqual({ permissions: [], notifications: [] });
  });

  it("shows a waiting permission request again the same way", async () => {
    const sessionId = await createSession(a.url, stack.key);
    const stream = track(await openStream(a.url, stack.key, sessionId));
    await sendMessage(a.url, stack.key, sessionId, 'run it\n@tool Bash {"command":"echo shown-again"}');
    const asked = await stream.waitForEvent(isPermission, 10_000, "the permission request");
    expect(asked.data).toMatchObject({ type: "permission", sessionId, toolName: "Bash" });
    expectContractEvent(asked, "SSEPermissionEvent");
    expect(await pendingOf(b, sessionId)).toEqual({ permissions: [asked.data], notifications: [] });
    const lastSeenId = stream.logEvents.at(-1)!.id!;

    const clients = await expectShownAgain(sessionId, asked, isPermission, lastSeenId);
    for (const client of clients) expectContractEvent(client.events.find(isPermission)!, "SSEPermissionEvent");

    await request(b.url).post(`/api/permissions/${asked.data.id}/deny`).set(bearer(stack.key)).expect(200, { denied: true });
    for (const client of [stream, ...clients]) await client.waitForEvent(isComplete, 10_000, "the run to complete on every client");
    for (const client of clients) expect(client.events.filter(isPermission)).toHaveLength(1);
    expect(await pendingOf(b, sessionId)).toEqual({ permissions: [], notifications: [] });
  });
});
