/**
 * Executes one run job: the entry point of the worker's run path. When the job may execute is
 * run-scheduling.ts's; one attempt of the run (start, loop, outcome) is run-attempt.ts's.
 */
import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import { isActiveRunStatus, type RunAgentJob } from "../contracts";
import { traceRun } from "../tracing/spans";
import { attemptRun } from "./run-attempt";
import { abandonRun } from "./run-outcome";
import type { RunProcessorDeps } from "./run-processor-deps";
import { RunScheduling } from "./run-scheduling";

export type { ModelChooser, RunProcessorDeps } from "./run-processor-deps";

export class RunProcessor {
  private readonly scheduling: RunScheduling;

  constructor(private readonly deps: RunProcessorDeps) {
    this.scheduling = new RunScheduling(deps);
  }

  /** `payload`: the job's data, already parsed by the worker's job dispatch. One span per processing, in the trace the send carried. */
  process(payload: RunAgentJob, job: Job, token: string | undefined): Promise<void> {
    return traceRun(payload, async () => {
      this.deps.logger.debug({ attempt: job.attemptsMade }, "run job taken");
      await this.execute(payload, job, token);
    });
  }

  private async execute({ runId, workspaceId, sessionId }: RunAgentJob, job: Job, token: string | undefined): Promise<void> {
    const claim = this.scheduling.claim({ sessionId, workspaceId, runId, order: job.timestamp });
    // Claimed (the lease and the slot are a Redis round trip each, shorter than the load): a first start is marked running as it is read.
    const startAs = (await claim.held()) && !this.scheduling.handingOver ? randomUUID() : undefined;
    const run = await this.deps.runs.load(runId, { transcript: true, startAs }).catch(async (error: unknown) => {
      await claim.drop();
      throw error;
    });
    // Gone (session deleted) or already finished: a duplicate or late job has nothing to do.
    if (!run || !isActiveRunStatus(run.status)) {
      // A run that stepped back while this job held the session is woken.
      await this.scheduling.giveBack(sessionId, claim.drop());
      return this.deps.queue.settle(workspaceId, runId);
    }
    const scheduled = {
      id: run.id,
      sessionId: run.sessionId,
      workspaceId: run.session.workspaceId,
      turn: run.message.turn,
      earlierRunActive: run.earlierRunActive,
      markedRunning: run.startedAs !== null,
    };
    await this.scheduling.executeInTurn(job, token, scheduled, (stop) => attemptRun(this.deps, run, stop), claim);
    // Ended (a job that must go on throws): it no longer weighs on its workspace's priority.
    await this.deps.queue.settle(scheduled.workspaceId, run.id);
  }

  /** Hands every run this worker executes over to another worker (see RunScheduling.handOver). */
  handOver(): Promise<void> {
    return this.scheduling.handOver();
  }

  /** Marks a run whose job failed for the last time (worker crash loop, infrastructure). */
  async abandon(runId: string, reason: string): Promise<void> {
    const run = await this.deps.runs.load(runId);
    const sessionId = await abandonRun(this.deps, runId, reason);
    if (run) await this.deps.queue.settle(run.session.workspaceId, runId);
    if (sessionId) await this.scheduling.wakeNext(sessionId);
  }
}
