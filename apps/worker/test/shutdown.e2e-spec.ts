/**
 * A real worker process: it runs queued messages, and on SIGTERM stops taking new runs, lets
 * the active one finish, and exits 0.
 */
import { type ApplicationServices, type Infrastructure } from "@mix/core";
import { waitFor } from "@mix/testing";
import { createWorkerFixture, type WorkerFixture } from "./helpers/worker-fixture";

let fixture: WorkerFixture;
let services: ApplicationServices;
let infrastructure: Infrastructure;

beforeAll(async () => {
  fixture = await createWorkerFixture("worker", {
    SCRIPTED_DELAY_MS: "20",
    SCRIPTED_CONTENT_DELTAS: "50",
  });
  ({ services, infrastructure } = fixture);
});
afterAll(() => fixture?.close());

const startWorker = (overrides?: Record<string, string>) => fixture.startWorker(overrides);
const runStatus = (runId: string) => fixture.runStatus(runId);

it("finishes the active run on SIGTERM, takes no new one, and exits 0", async () => {
  const { workspaceId } = await services.apiKeys.createWorkspace("worker-test");
  const session = await services.sessions.create(workspaceId, { title: "drain", promptMode: "default", sessionType: "main" });
  const worker = startWorker();
  try {
    const first = await services.messages.send(workspaceId, session.id, { text: "long one", plan_mode: false });
    await waitFor(async () => (await runStatus(first.messageId)) === "running", { timeoutMs: 15_000, what: "the run to start" });

    worker.child.kill("SIGTERM");
    // Sent while draining: must wait for a worker that is still taking jobs.
    const second = await services.messages.send(workspaceId, session.id, { text: "after shutdown", plan_mode: false });

    expect(await worker.exited).toBe(0);
    expect(await runStatus(first.messageId)).toBe("completed");
    expect(await runStatus(second.messageId)).toBe("queued");
    const events = await infrastructure.events.readAfter(session.id, 0);
    expect(events.filter((event) => event.event === "content")).toHaveLength(50);
    expect(events.at(-1)).toMatchObject({ event: "complete", data: { type: "complete" } });
    expect(worker.output()).not.toMatch(/"level":50/);

    // The next worker picks the waiting message up.
    const next = startWorker();
    try {
      await waitFor(async () => (await runStatus(second.messageId)) === "completed", { timeoutMs: 15_000, what: "the queued run" });
    } finally {
      next.child.kill("SIGTERM");
      expect(await next.exited).toBe(0);
    }
  } finally {
    if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
  }
}, 60_000);

it("hands a run that outlives SHUTDOWN_GRACE_MS over to another worker, and exits on time", async () => {
  const { workspaceId } = await services.apiKeys.createWorkspace("handover-test");
  const session = await services.sessions.create(workspaceId, { title: "handover", promptMode: "default", sessionType: "main" });
  // About 10 s of streaming: far longer than the grace period.
  const worker = startWorker({ SHUTDOWN_GRACE_MS: "1000", SCRIPTED_DELAY_MS: "200" });
  let next: ReturnType<typeof startWorker> | undefined;
  try {
    const sent = await services.messages.send(workspaceId, session.id, { text: "a slow one", plan_mode: false });
    await waitFor(async () => (await infrastructure.events.readAfter(session.id, 0)).some((event) => event.event === "content"), {
      timeoutMs: 15_000,
      what: "the run to stream",
    });

    const stopping = Date.now();
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    // The grace period, plus the moment it takes to stop the run and close the connections.
    expect(Date.now() - stopping).toBeLessThan(4_000);
    expect(await runStatus(sent.messageId)).toBe("running");

    // Released and back in the queue: the next worker resumes it at once, not after the lease (30 s) runs out.
    const resumedFrom = Date.now();
    next = startWorker();
    await waitFor(async () => (await runStatus(sent.messageId)) === "completed", { timeoutMs: 20_000, what: "the next worker to finish the run" });
    expect(Date.now() - resumedFrom).toBeLessThan(20_000);
    // Postgres says completed first; the run's `complete` is announced right after it.
    const completesOf = async () => (await infrastructure.events.readAfter(session.id, 0)).filter((event) => event.event === "complete");
    await waitFor(async () => (await completesOf()).length > 0, { timeoutMs: 5_000, what: "the run's complete event" });
    const completes = await completesOf();
    expect(completes.map((event) => event.data)).toEqual([expect.objectContaining({ type: "complete", messageId: expect.any(String) })]);
  } finally {
    if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    if (next) {
      next.child.kill("SIGTERM");
      await next.exited;
    }
  }
}, 60_000);
