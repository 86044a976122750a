/**
 * A worker killed with SIGKILL in the middle of a tool call: another real worker process takes
 * the run over once the lease and the job lock expire, reports the started call as interrupted
 * (it does not run it again), and finishes the run from the last persisted step. The killed
 * worker's sandbox dies with it: nothing the command would still have done happens.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type ApplicationServices, type Infrastructure } from "@mix/core";
import { hostProcessesMatching, waitFor } from "@mix/testing";
import { createWorkerFixture, type WorkerFixture } from "./helpers/worker-fixture";

let fixture: WorkerFixture;
let services: ApplicationServices;
let infrastructure: Infrastructure;
let storage: string;

beforeAll(async () => {
  fixture = await createWorkerFixture("recovery", {
    SCRIPTED_DELAY_MS: "5",
    SCRIPTED_CONTENT_DELTAS: "5",
    // A dead worker's run is free again after 2 s, and the survivor looks every second.
    RUN_LEASE_MS: "2000",
    RUN_STALLED_CHECK_MS: "1000",
  });
  ({ services, infrastructure, storage } = fixture);
});
afterAll(() => fixture?.close());

const startWorker = (overrides?: Record<string, string>) => fixture.startWorker(overrides);
const runStatus = (runId: string) => fixture.runStatus(runId);

it("resumes a run on another worker after SIGKILL and reports the started tool call as interrupted", async () => {
  const { workspaceId } = await services.apiKeys.createWorkspace("recovery");
  // No permission prompts in this workspace: the test is about the crash, not the question.
  await infrastructure.prisma.workspace.update({ where: { id: workspaceId }, data: { permissionPolicy: { tools: [] } } });
  const session = await services.sessions.create(workspaceId, { title: "crash", promptMode: "default", sessionType: "main" });
  const command = "echo started >> runs.log; sleep 351; echo after > after.txt";
  const first = startWorker();
  let second: ReturnType<typeof startWorker> | undefined;
  const sessionDir = join(storage, session.id);
  try {
    const sent = await services.messages.send(workspaceId, session.id, { text: `@tool Bash ${JSON.stringify({ command })}`, plan_mode: false });
    await waitFor(async () => (await readFile(join(sessionDir, "runs.log"), "utf8").catch(() => "")).includes("started"), {
      timeoutMs: 20_000,
      what: "the tool to start on the first worker",
    });
    second = startWorker();
    first.child.kill("SIGKILL");
    await first.exited;
    // --die-with-parent: the sandbox and everything in it end with the worker that started them.
    await waitFor(async () => (await hostProcessesMatching("sleep 351")).length === 0, { timeoutMs: 5_000, what: "the killed worker's sandbox to end" });

    await waitFor(async () => (await runStatus(sent.messageId)) === "completed", { timeoutMs: 30_000, what: "the second worker to finish the run" });
    // Executed once: the second worker did not run the command again.
    expect((await readFile(join(sessionDir, "runs.log"), "utf8")).trim().split("\n")).toEqual(["started"]);

    // The status is stored just before the run's `complete` goes out.
    const events = await waitFor(
      async () => {
        const logged = await infrastructure.events.readAfter(session.id, 0);
        return logged.at(-1)?.event === "complete" && logged;
      },
      { timeoutMs: 5_000, what: "the run's complete event" },
    );
    const started = events.find((event) => event.event === "tool_execution_start");
    const interrupted = events.find((event) => event.event === "tool_execution_complete");
    expect(interrupted?.data).toMatchObject({ toolName: "Bash", success: false, progress: "Interrupted" });
    expect(interrupted?.data).toMatchObject({ toolCallId: (started?.data as { toolCallId: string }).toolCallId });
    expect(events.at(-1)).toMatchObject({ event: "complete", data: { type: "complete" } });

    const messages = await services.messages.list(workspaceId, session.id);
    const call = messages.flatMap((message) => message.toolCalls ?? []).find((candidate) => candidate.name === "Bash");
    expect(call).toMatchObject({ finished: true, isError: true, result: expect.stringMatching(/^Interrupted/) });
    // The model was told, and answered after it.
    expect(messages.at(-1)).toMatchObject({ role: "assistant", assistantResponse: expect.stringContaining("Bash failed") });
    // No side effect of the command happened after its worker was killed.
    await expect(readFile(join(sessionDir, "after.txt"))).rejects.toMatchObject({ code: "ENOENT" });
  } finally {
    if (first.child.exitCode === null) first.child.kill("SIGKILL");
    if (second) {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  }
}, 90_000);
