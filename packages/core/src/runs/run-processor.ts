/**
 * Executes one run job. Runs of a session go one at a time and in the order their messages
 * were sent: a job whose session is busy, or that has an earlier run still pending, steps back
 * into the delayed set and is woken when the run ahead of it ends.
 */
import { randomUUID } from "node:crypto";
import { DelayedError, type Job } from "bullmq";
import type { PrismaClient } from "@mix/db";
import { RunAgentJob, ThinkingLevel } from "../contracts";
import type { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import { runAgentStep, type Emit } from "../agent/agent-step";
import type { ModelProvider } from "../agent/provider";
import { thinkingBudget } from "../agent/thinking";
import { buildSystemPrompt } from "../sessions/system-prompt";
import { ACTIVE_RUN_STATUSES } from "../sessions/sessions.service";
import type { RunControl, RunControlListener } from "./run-control";
import { loadModelHistory } from "./run-history";
import type { RunLeases } from "./run-lease";
import type { RunQueue } from "./run-queue";
import { RunStore } from "./run-store";

export interface RunProcessorDeps {
  prisma: PrismaClient;
  events: EventLog;
  leases: RunLeases;
  control: RunControl;
  controlListener: RunControlListener;
  queue: RunQueue;
  provider: ModelProvider;
  logger: Logger;
  busyRetryMs: number;
}

type LoadedRun = NonNullable<Awaited<ReturnType<RunProcessor["loadRun"]>>>;

export class RunProcessor {
  private readonly store: RunStore;

  constructor(private readonly deps: RunProcessorDeps) {
    this.store = new RunStore(deps.prisma);
  }

  async process(job: Job, token: string | undefined): Promise<void> {
    const { runId, sessionId } = RunAgentJob.parse(job.data);
    const run = await this.loadRun(runId);
    // Gone (session deleted) or already finished: a duplicate or late job has nothing to do.
    if (!run || !ACTIVE_RUN_STATUSES.includes(run.status as (typeof ACTIVE_RUN_STATUSES)[number])) return;

    if (await this.hasEarlierActiveRun(run)) return this.waitForSession(job, token);
    const lease = await this.deps.leases.acquire(sessionId, runId);
    if (!lease) return this.waitForSession(job, token);
    try {
      await this.execute(run, lease.lost);
    } finally {
      await lease.release();
      await this.wakeNextRun(sessionId);
    }
  }

  loadRun(runId: string) {
    return this.deps.prisma.run.findUnique({
      where: { id: runId },
      include: { session: true, message: { include: { parts: { where: { type: "text" }, orderBy: { index: "asc" } } } } },
    });
  }

  private async execute(run: LoadedRun, leaseLost: AbortSignal): Promise<void> {
    const { sessionId } = run;
    const emit: Emit = (event, data) => this.deps.events.append(sessionId, event, data);
    const userText = run.message.parts.map((part) => (part.data as { text: string }).text).join("");

    // Listen for cancels before reading the cancel key: one arriving in between is not lost.
    const tracked = this.deps.controlListener.track(run.id);
    const signal = AbortSignal.any([tracked.signal, leaseLost]);
    const assistantMessageId = randomUUID();
    const { provider } = this.deps;
    try {
      const firstStart = run.status === "queued" && run.startedAt === null;
      const [, cancelled] = await Promise.all([
        firstStart && emit("user_message_created", { type: "user_message_created", messageId: run.id, content: userText }),
        this.deps.control.isCancelled(run.id),
      ]);
      if (cancelled || tracked.signal.aborted) {
        await this.store.finish(run.id, "cancelled");
        await emit("complete", { type: "cancelled", done: true, messageId: run.id });
        return;
      }
      const [, history] = await Promise.all([
        this.store.markRunning(run.id),
        loadModelHistory(this.deps.prisma, sessionId, run.message.turn),
      ]);
      const request = {
        model: provider.defaultModel,
        system: buildSystemPrompt(run.session, {
          session_id: sessionId,
          session_title: run.session.title,
          date: new Date().toISOString().slice(0, 10),
          datetime: new Date().toISOString(),
        }),
        messages: history,
        thinkingBudget: thinkingBudget(ThinkingLevel.safeParse(run.thinkingLevel).data, userText),
      };
      const step = await runAgentStep(provider, request, assistantMessageId, signal, emit);
      if (leaseLost.aborted) throw new Error(`run ${run.id} lost its session lease; another worker owns it now`);
      await this.store.saveAssistantStep({ sessionId, turn: run.message.turn, messageId: assistantMessageId, model: request.model, step });
      await this.store.finish(run.id, step.interrupted ? "cancelled" : "completed");
      await emit("complete", {
        type: step.interrupted ? "cancelled" : "complete",
        done: true,
        messageId: assistantMessageId,
        content: step.text,
        ...(step.reasoning ? { reasoning: step.reasoning, reasoningDuration: step.reasoningDurationMs } : {}),
      });
    } catch (error) {
      if (leaseLost.aborted) throw error;
      await this.failRun(run, assistantMessageId, error);
    } finally {
      tracked.release();
    }
  }

  /** A model failure ends the run for good: persisted, announced, never left hanging. */
  private async failRun(run: LoadedRun, messageId: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.deps.logger.warn({ err: error, runId: run.id }, "run failed");
    await this.store.saveError({ sessionId: run.sessionId, turn: run.message.turn, messageId, message });
    await this.store.finish(run.id, "failed", message);
    await this.deps.events.append(run.sessionId, "error", { type: "run_failed", error: message });
  }

  /** Marks a run whose job failed for the last time (worker crash loop, infrastructure). */
  async abandon(runId: string, reason: string): Promise<void> {
    const run = await this.loadRun(runId);
    if (!run) return;
    const changed = await this.store.finish(runId, "failed", reason);
    if (changed.count > 0) await this.deps.events.append(run.sessionId, "error", { type: "run_failed", error: reason });
    await this.wakeNextRun(run.sessionId);
  }

  private async hasEarlierActiveRun(run: LoadedRun): Promise<boolean> {
    const earlier = await this.deps.prisma.run.findFirst({
      where: {
        sessionId: run.sessionId,
        status: { in: [...ACTIVE_RUN_STATUSES] },
        message: { turn: { lt: run.message.turn } },
      },
      select: { id: true },
    });
    return earlier !== null;
  }

  private async waitForSession(job: Job, token: string | undefined): Promise<never> {
    await job.moveToDelayed(Date.now() + this.deps.busyRetryMs, token);
    throw new DelayedError();
  }

  private async wakeNextRun(sessionId: string): Promise<void> {
    const next = await this.deps.prisma.run.findFirst({
      where: { sessionId, status: "queued" },
      orderBy: { message: { turn: "asc" } },
      select: { id: true },
    });
    if (next) await this.deps.queue.wake(next.id);
  }
}
