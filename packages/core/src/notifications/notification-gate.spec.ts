/** The notify_user tool's gate and the answering service on a real Redis, with the permission gate sharing their waiter. */
import { randomUUID } from "node:crypto";
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { createTestDatabase, deleteRedisPrefix, testRedisPrefix, waitFor, type TestDatabase } from "@mix/testing";
import type { LoggedEvent } from "../contracts";
import { PostgresEventIds } from "../events/event-ids";
import { EventLog } from "../events/event-log";
import { createLogger } from "../logging/logger";
import { expectAppError } from "../../test/helpers/expect-app-error";
import { PermissionGate } from "../permissions/permission-gate";
import { PermissionsService } from "../permissions/permissions.service";
import type { NotificationAnswer, UserNotification } from "../tools/tool";
import { AnswerWaiter } from "../user-requests/answer-waiter";
import { NotificationGate, type NotificationAsker } from "./notification-gate";
import { NotificationsService } from "./notifications.service";
import { testRedis, testRedisKeys } from "../../test/helpers/test-redis-client";

const prefix = testRedisPrefix("notify");
const keys = testRedisKeys(prefix);
const logger = createLogger("test", "silent");
const redis = testRedis();
const subscriber = testRedis();
let database: TestDatabase;
let prisma: PrismaClient;
const events = new EventLog(redis, keys, {
  maxLen: 1_000,
  ttlSeconds: 600,
  ids: { reserve: (...args) => new PostgresEventIds(prisma).reserve(...args) },
});
const waiter = new AnswerWaiter({ redis, subscriber, keys, logger, recheckMs: 200 });
const gate = new NotificationGate({ waiter, events, defaultTimeoutMs: 60_000, maxTimeoutMs: 600_000 });
const service = new NotificationsService({ redis, keys });
let workspaceId: string;
let otherWorkspaceId: string;

beforeAll(async () => {
  database = await createTestDatabase("notify");
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
  workspaceId = (await prisma.workspace.create({ data: { name: "notifications" } })).id;
  otherWorkspaceId = (await prisma.workspace.create({ data: { name: "someone else" } })).id;
  await waiter.start();
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
  await deleteRedisPrefix(prefix);
  redis.disconnect();
  subscriber.disconnect();
});

function asker(overrides: Partial<NotificationAsker> = {}): NotificationAsker {
  const sessionId = randomUUID();
  return { workspaceId, sessionId, streamSessionId: sessionId, runId: randomUUID(), toolCallId: `call-${randomUUID()}`, ...overrides };
}

const question = (overrides: Partial<UserNotification> = {}): UserNotification => ({
  notificationType: "question",
  title: "Which colour?",
  message: "Pick the theme's colour.",
  responseType: "choice",
  choices: ["red", "blue"],
  timeoutSeconds: 60,
  ...overrides,
});

const notificationEvent = (sessionId: string) =>
  waitFor(async () => (await events.readAfter(sessionId, 0)).find((event): event is LoggedEvent<"notification"> => event.event === "notification"), {
    timeoutMs: 5_000,
    what: "the notification event",
  });

function startNotify(who: NotificationAsker, notification: UserNotification, signal = new AbortController().signal) {
  const result: { answer?: NotificationAnswer | null; error?: unknown } = {};
  const promise = gate.notify(who, notification, signal).then(
    (answer) => (result.answer = answer),
    (error: unknown) => (result.error = error),
  );
  return { result, promise };
}

describe("a question", () => {
  it("is shown as a notification event, listed as pending, and answered with one of its choices", async () => {
    const who = asker({ parentToolCallId: "task-1" });
    const { result, promise } = startNotify(who, question({ defaultValue: "red" }));
    const event = await notificationEvent(who.streamSessionId);
    expect(event.data).toEqual({
      type: "notification",
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sessionId: who.sessionId,
      notificationType: "question",
      title: "Which colour?",
      message: "Pick the theme's colour.",
      responseType: "choice",
      choices: ["red", "blue"],
      timeout: 60,
      createdAt: expect.any(Number),
      defaultValue: "red",
      parentToolCallId: "task-1",
    });
    // Listed once shown (right after its event).
    await waitFor(async () => (await service.pending(workspaceId, who.streamSessionId)).notifications.length === 1, { timeoutMs: 2_000, what: "the listing" });
    expect(await service.pending(workspaceId, who.streamSessionId)).toEqual({ permissions: [], notifications: [event.data] });
    // Shown by an event after a client's start point: its stream delivers it, so it is not in what is shown again.
    expect(await service.pending(workspaceId, who.streamSessionId, Number(event.id) - 1)).toEqual({ permissions: [], notifications: [] });
    expect(await service.pending(workspaceId, who.streamSessionId, Number(event.id))).toEqual({ permissions: [], notifications: [event.data] });
    // Another workspace sees nothing of it, and cannot answer it.
    expect(await service.pending(otherWorkspaceId, who.streamSessionId)).toEqual({ permissions: [], notifications: [] });
    await expectAppError(service.respond(otherWorkspaceId, event.data.id, { type: "choice", value: "blue" }), 404, /not found/);

    await expectAppError(service.respond(workspaceId, event.data.id, { type: "text", value: "blue" }), 400, /takes a 'choice' response/);
    await expectAppError(service.respond(workspaceId, event.data.id, { type: "choice", value: "green" }), 400, /one of the choices: "red", "blue"/);
    await expectAppError(service.respond(workspaceId, event.data.id, { type: "choice" }), 400, /value is required/);
    expect(result).toEqual({}); // refused answers change nothing: still waiting
    await service.respond(workspaceId, event.data.id, { type: "choice", value: "blue" });
    await promise;
    expect(result.answer).toEqual({ answered: true, type: "choice", value: "blue" });
    expect(await service.pending(workspaceId, who.streamSessionId)).toEqual({ permissions: [], notifications: [] });
    // Answered once: a second answer (or a retry) is the contract's 404.
    await expectAppError(service.respond(workspaceId, event.data.id, { type: "choice", value: "red" }), 404, /already answered/);
  });

  it("takes free text and acknowledgements", async () => {
    const textAsker = asker();
    const text = startNotify(textAsker, question({ responseType: "text", choices: undefined }));
    const textEvent = await notificationEvent(textAsker.streamSessionId);
    await expectAppError(service.respond(workspaceId, textEvent.data.id, { type: "text", value: "   " }), 400, /value is required/);
    await service.respond(workspaceId, textEvent.data.id, { type: "text", value: "Dark blue, please." });
    await text.promise;
    expect(text.result.answer).toEqual({ answered: true, type: "text", value: "Dark blue, please." });

    const okAsker = asker();
    const ok = startNotify(okAsker, question({ responseType: "acknowledge", choices: undefined }));
    const okEvent = await notificationEvent(okAsker.streamSessionId);
    await service.respond(workspaceId, okEvent.data.id, { type: "acknowledge", value: "ignored" });
    await ok.promise;
    expect(ok.result.answer).toEqual({ answered: true, type: "acknowledge" });
  });

  it("times out unanswered, and a late answer is refused", async () => {
    const who = asker();
    const { result, promise } = startNotify(who, question({ timeoutSeconds: 1 }));
    const event = await notificationEvent(who.streamSessionId);
    await promise;
    expect(result.answer).toEqual({ answered: false });
    await expectAppError(service.respond(workspaceId, event.data.id, { type: "choice", value: "red" }), 404, /not answered in time/);
  });

  it("stops with the run's cancel, and a later answer is refused", async () => {
    const who = asker();
    const controller = new AbortController();
    const { result, promise } = startNotify(who, question(), controller.signal);
    const event = await notificationEvent(who.streamSessionId);
    const reason = new Error("Run cancelled");
    controller.abort(reason);
    await promise;
    expect(result.error).toBe(reason);
    await waitFor(async () => (await redis.hget(keys.userRequest("notification", event.data.id), "status")) === "cancelled", {
      timeoutMs: 2_000,
      what: "the cancel to be recorded",
    });
    await expectAppError(service.respond(workspaceId, event.data.id, { type: "choice", value: "red" }), 404, /cancelled/);
  });

  it("finds an answer whose message this process never heard", async () => {
    const who = asker();
    const { result, promise } = startNotify(who, question());
    const event = await notificationEvent(who.streamSessionId);
    // Answered behind the channel's back: only the kept decision tells.
    await redis.hset(keys.userRequest("notification", event.data.id), { status: "answered", answerType: "choice", answerValue: "red" });
    await promise;
    expect(result.answer).toEqual({ answered: true, type: "choice", value: "red" });
  });
});

describe("a notice", () => {
  it("is shown without waiting, is not listed as pending, and can be acknowledged once", async () => {
    const who = asker();
    const answer = await gate.notify(
      who,
      { notificationType: "warning", title: "Disk", message: "Almost full.", responseType: "acknowledge", timeoutSeconds: 60 },
      new AbortController().signal,
    );
    expect(answer).toBeNull();
    const event = await notificationEvent(who.streamSessionId);
    expect(event.data).toMatchObject({ notificationType: "warning", responseType: "acknowledge", timeout: 60 });
    expect(await service.pending(workspaceId, who.streamSessionId)).toEqual({ permissions: [], notifications: [] });
    await expectAppError(service.respond(workspaceId, event.data.id, { type: "text", value: "ok" }), 400, /takes a 'acknowledge' response/);
    await service.respond(workspaceId, event.data.id, { type: "acknowledge" });
    await expectAppError(service.respond(workspaceId, event.data.id, { type: "acknowledge" }), 404, /already answered/);
  });

  it("refuses unknown ids", async () => {
    await expectAppError(service.respond(workspaceId, "no-such-id", { type: "acknowledge" }), 404, /Notification no-such-id not found/);
  });
});

describe("one waiter for permissions and questions", () => {
  it("lists both kinds of what a session waits on, and routes each answer to its own wait", async () => {
    const permissions = new PermissionGate({ redis, subscriber, keys, events, prisma, timeoutMs: 60_000, logger, waiter });
    const answers = new PermissionsService({ prisma, redis, keys, logger });
    const who = asker();
    const asked = permissions.ask({ ...who, toolName: "Bash", input: { command: "ls" }, defaultRequired: true }, new AbortController().signal);
    const permissionEvent = await waitFor(async () => (await events.readAfter(who.streamSessionId, 0)).find((event) => event.event === "permission"), {
      timeoutMs: 5_000,
      what: "the permission event",
    });
    const { result, promise } = startNotify({ ...who, toolCallId: "call-2" }, question());
    const questionEvent = await notificationEvent(who.streamSessionId);
    await waitFor(async () => (await service.pending(workspaceId, who.streamSessionId)).notifications.length === 1, { timeoutMs: 2_000, what: "the listing" });
    const pending = await service.pending(workspaceId, who.streamSessionId);
    expect(pending).toEqual({ permissions: [permissionEvent.data], notifications: [questionEvent.data] });

    await answers.grant(workspaceId, (permissionEvent.data as { id: string }).id);
    await expect(asked).resolves.toEqual({ granted: true, via: "granted" });
    expect(result).toEqual({}); // the question still waits
    expect((await service.pending(workspaceId, who.streamSessionId)).permissions).toEqual([]);
    await service.respond(workspaceId, questionEvent.data.id, { type: "choice", value: "red" });
    await promise;
    expect(result.answer).toEqual({ answered: true, type: "choice", value: "red" });
  });
});
