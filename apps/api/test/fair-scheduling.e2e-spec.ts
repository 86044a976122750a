/**
 * Fair scheduling across workspaces on a real stack (Postgres, Redis, a run worker): a
 * workspace's flood of runs does not hold back another workspace's new run, which starts long
 * before the flood drains, and every session's runs still go one at a time in the order sent.
 */
import { waitFor } from "@mix/testing";
import { startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;

beforeAll(async () => {
  // Two runs at a time, each long enough (10 deltas, 20 ms apart) for a backlog to build.
  stack = await startTestStack({ label: "fair", env: { WORKER_CONCURRENCY: "2", SCRIPTED_DELAY_MS: "20", SCRIPTED_CONTENT_DELTAS: "8" } });
});
afterAll(() => stack?.close());

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

it("starts a quiet workspace's new run before a flooding workspace's backlog drains, each session's runs in order", async () => {
  const { services, infrastructure } = stack.apis[0]!.api;
  const { prisma } = infrastructure;
  const newSession = async (workspaceId: string) =>
    (await services.sessions.create(workspaceId, { title: "s", promptMode: "default", sessionType: "main" })).id;
  const send = (workspaceId: string, sessionId: string, text: string) => services.messages.send(workspaceId, sessionId, { text, plan_mode: false });
  const flood = await services.apiKeys.createWorkspace("flood");
  const quiet = await services.apiKeys.createWorkspace("quiet");

  // The flood: 20 sessions of one message and 2 sessions of three, 26 runs sent at once.
  const singles = await Promise.all(range(20).map(() => newSession(flood.workspaceId)));
  const threads = await Promise.all(range(2).map(() => newSession(flood.workspaceId)));
  await Promise.all([
    ...singles.map((sessionId) => send(flood.workspaceId, sessionId, "flood")),
    ...threads.map(async (sessionId) => {
      for (const i of range(3)) await send(flood.workspaceId, sessionId, `flood turn ${i + 1}`);
    }),
  ]);
  // The quiet workspace sends one message behind a backlog (checked, so the test means something).
  const queuedBehind = await prisma.run.count({ where: { status: "queued", session: { workspaceId: flood.workspaceId } } });
  expect(queuedBehind).toBeGreaterThanOrEqual(15);
  const quietRun = await send(quiet.workspaceId, await newSession(quiet.workspaceId), "quiet");

  await waitFor(async () => (await prisma.run.count({ where: { status: { in: ["queued", "running"] } } })) === 0, {
    timeoutMs: 60_000,
    what: "every run to end",
  });
  const runs = await prisma.run.findMany({
    select: {
      id: true,
      sessionId: true,
      status: true,
      startedAt: true,
      finishedAt: true,
      message: { select: { turn: true } },
      session: { select: { workspaceId: true } },
    },
  });
  expect(runs.filter((run) => run.status !== "completed")).toEqual([]);

  // First come, first served would start it after all 26; it starts after the runs executing
  // when it came and at most a few more.
  const quietStart = runs.find((run) => run.id === quietRun.messageId)!.startedAt!.getTime();
  const floodStarts = runs.filter((run) => run.session.workspaceId === flood.workspaceId).map((run) => run.startedAt!.getTime());
  expect(floodStarts).toHaveLength(26);
  expect(floodStarts.filter((start) => start < quietStart).length).toBeLessThan(8);

  // Each session's runs: in turn order, one at a time.
  for (const sessionId of threads) {
    const turns = runs.filter((run) => run.sessionId === sessionId).sort((a, b) => a.message.turn - b.message.turn);
    expect(turns.map((run) => run.message.turn)).toEqual([1, 2, 3]);
    for (const i of [1, 2]) expect(turns[i]!.startedAt!.getTime()).toBeGreaterThanOrEqual(turns[i - 1]!.finishedAt!.getTime());
  }
}, 90_000);
