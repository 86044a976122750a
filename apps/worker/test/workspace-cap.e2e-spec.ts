/**
 * A workspace's cap on runs executing at once, across real worker processes: a workspace on a
 * plan of one concurrent run never executes two at once however many workers take its jobs,
 * keeps each session's order, and a worker killed while holding the workspace's slot does not
 * keep it: the run is resumed elsewhere and the runs waiting behind it follow.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApplicationServices, type Infrastructure } from "@mix/core";
import { waitFor } from "@mix/testing";
import { createWorkerFixture, type WorkerFixture, type WorkerProcess } from "./helpers/worker-fixture";

let fixture: WorkerFixture;
let services: ApplicationServices;
let infrastructure: Infrastructure;
let plansDir: string;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  plansDir = await mkdtemp(join(tmpdir(), "workspace-cap-"));
  const plansFile = join(plansDir, "plans.json");
  await writeFile(plansFile, JSON.stringify({ solo: { title: "Solo", models: "*", maxConcurrentRuns: 1 } }));
  fixture = await createWorkerFixture("workspace-cap", {
    PLANS_FILE: plansFile,
    SCRIPTED_DELAY_MS: "20",
    SCRIPTED_CONTENT_DELTAS: "5",
    // A dead worker's session lease and slot lapse after 2 s, and the survivors look every second.
    RUN_LEASE_MS: "2000",
    RUN_STALLED_CHECK_MS: "1000",
  });
  ({ services, infrastructure } = fixture);
});
afterAll(async () => {
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
  await Promise.all(workers.map((worker) => worker.exited));
  await fixture?.close();
  await rm(plansDir, { recursive: true, force: true });
});

function startWorker(overrides?: Record<string, string>): WorkerProcess {
  const worker = fixture.startWorker(overrides);
  workers.push(worker);
  return worker;
}

async function soloWorkspace(name: string) {
  const { workspaceId } = await services.apiKeys.createWorkspace(name);
  await infrastructure.prisma.workspace.update({ where: { id: workspaceId }, data: { plan: "solo" } });
  return workspaceId;
}
const newSession = async (workspaceId: string) => (await services.sessions.create(workspaceId, { title: "s", promptMode: "default", sessionType: "main" })).id;
const send = (workspaceId: string, sessionId: string, text: string) => services.messages.send(workspaceId, sessionId, { text, plan_mode: false });
const runsOf = (workspaceId: string) =>
  infrastructure.prisma.run.findMany({
    where: { session: { workspaceId } },
    select: { id: true, sessionId: true, status: true, startedAt: true, finishedAt: true, message: { select: { turn: true } } },
  });
const allEnded = async (workspaceId: string) => (await runsOf(workspaceId)).every((run) => run.status !== "queued" && run.status !== "running");

/** Every slot of the workspace is back (each is freed just after its run's end is stored). */
const slotsFreed = (workspaceId: string) =>
  waitFor(async () => (await infrastructure.redis.zcard(infrastructure.keys.workspaceRunSlots(workspaceId))) === 0, {
    timeoutMs: 5_000,
    what: "the workspace's slots to be freed",
  });

/** The runs' executions, from start to end, never overlap: one at a time. */
function expectOneAtATime(runs: Awaited<ReturnType<typeof runsOf>>) {
  const executions = runs.map((run) => ({ start: run.startedAt!.getTime(), end: run.finishedAt!.getTime() })).sort((a, b) => a.start - b.start);
  for (let i = 1; i < executions.length; i++) expect(executions[i]!.start).toBeGreaterThanOrEqual(executions[i - 1]!.end);
}

it("never executes two runs of a workspace capped at one at once, across two workers", async () => {
  const workspaceId = await soloWorkspace("capped");
  const pair = [startWorker(), startWorker()];
  const sessions = await Promise.all([0, 1, 2, 3, 4].map(() => newSession(workspaceId)));
  const thread = await newSession(workspaceId);
  await Promise.all([
    ...sessions.map((sessionId) => send(workspaceId, sessionId, "capped")),
    (async () => {
      for (const turn of [1, 2, 3]) await send(workspaceId, thread, `turn ${turn}`);
    })(),
  ]);
  await waitFor(() => allEnded(workspaceId), { timeoutMs: 60_000, what: "the workspace's runs to end" });

  const runs = await runsOf(workspaceId);
  expect(runs.map((run) => run.status)).toEqual(Array(8).fill("completed"));
  expectOneAtATime(runs);
  // The session's runs in the order sent.
  const turns = runs.filter((run) => run.sessionId === thread).sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime());
  expect(turns.map((run) => run.message.turn)).toEqual([1, 2, 3]);
  await slotsFreed(workspaceId);
  for (const worker of pair) {
    worker.child.kill("SIGTERM");
    await worker.exited;
  }
}, 90_000);

it("frees the slot of a worker killed while holding it: the run resumes elsewhere, and the one waiting follows", async () => {
  const workspaceId = await soloWorkspace("killed");
  // A slow model: the run is still streaming when its worker is killed.
  const doomed = startWorker({ SCRIPTED_DELAY_MS: "400" });
  const first = await send(workspaceId, await newSession(workspaceId), "held when the worker dies");
  await waitFor(async () => (await fixture.runStatus(first.messageId)) === "running", { timeoutMs: 20_000, what: "the first run to start" });
  const second = await send(workspaceId, await newSession(workspaceId), "waits for the slot");
  const waitingKey = infrastructure.keys.workspaceRunsWaiting(workspaceId);
  await waitFor(async () => (await infrastructure.redis.zrange(waitingKey, 0, "-1")).includes(second.messageId), {
    timeoutMs: 20_000,
    what: "the second run to wait for the workspace's slot",
  });

  const survivor = startWorker();
  doomed.child.kill("SIGKILL");
  await doomed.exited;
  const killedAt = Date.now();
  await waitFor(() => allEnded(workspaceId), { timeoutMs: 60_000, what: "both runs to end" });

  const runs = await runsOf(workspaceId);
  expect(runs.map((run) => run.status)).toEqual(["completed", "completed"]);
  // The waiting run never executed beside the first, not even after the kill.
  const waited = runs.find((run) => run.id === second.messageId)!;
  expect(waited.startedAt!.getTime()).toBeGreaterThanOrEqual(killedAt);
  expectOneAtATime(runs);
  await slotsFreed(workspaceId);
  survivor.child.kill("SIGTERM");
  await survivor.exited;
}, 90_000);
