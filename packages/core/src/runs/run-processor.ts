/**
 * Executes one run job. Runs of a session go one at a time and in the order their messages
 * were sent: a job whose session is busy, or that has an earlier run still pending, steps back
 * into the delayed set and is woken when the run ahead of it ends.
 */
import { randomUUID } from "node:crypto";
import { DelayedError, type Job } from "bullmq";
import { CallbackList, RunAgentJob, ThinkingLevel } from "../contracts";
import type { Emit } from "../agent/model-step";
import { runAgentLoop } from "../agent/agent-loop";
import { LeaseLostError, type LoopOutcome, type LoopScope, type LoopServices, type LoopSignals } from "../agent/loop-types";
import { runSubagent, SUBAGENT_SYSTEM_SUFFIX, type SubagentDeps } from "../agent/subagent";
import type { ToolCallEnv } from "../agent/tool-calls";
import type { ModelChoice } from "../models/selection/model-selector";
import type { ModelMessage } from "../models/model-provider";
import { thinkingBudget } from "../models/thinking";
import { isGenericTitle, titleFromMessage } from "../sessions/session-title";
import { BASE_SYSTEM_PROMPT, buildSystemPrompt } from "../sessions/system-prompt";
import { isRedisUnavailable } from "../redis/connection";
import { ACTIVE_RUN_STATUSES } from "../sessions/sessions.service";
import { createTaskTool, TASK_TOOL_NAME } from "../tools/task";
import { failed, type Tool } from "../tools/tool";
import { ToolRegistry } from "../tools/tool-registry";
import { loadModelHistory } from "./run-history";
import { RunStore } from "./run-store";
import { callbackEffects } from "./callback-effects";
import { failRun, finishRun } from "./run-endings";
import { hasEarlierActiveRun, wakeNextRun } from "./session-order";
import { closeDeadAttempt } from "./dead-attempt";
import type { RunProcessorDeps } from "./run-processor-deps";

export type { ModelChooser, RunProcessorDeps } from "./run-processor-deps";

type LoadedRun = NonNullable<Awaited<ReturnType<RunProcessor["loadRun"]>>>;

export class RunProcessor {
  private readonly store: RunStore;
  /** Aborted when the worker stops for good: its runs stop at once and go back to the queue. */
  private readonly handover = new AbortController();
  private readonly active = new Set<Promise<unknown>>();

  constructor(private readonly deps: RunProcessorDeps) {
    this.store = new RunStore(deps.prisma);
  }

  async process(job: Job, token: string | undefined): Promise<void> {
    const { runId, sessionId } = RunAgentJob.parse(job.data);
    const run = await this.loadRun(runId);
    // Gone (session deleted) or already finished: a duplicate or late job has nothing to do.
    if (!run || !ACTIVE_RUN_STATUSES.includes(run.status as (typeof ACTIVE_RUN_STATUSES)[number])) return;

    if (await hasEarlierActiveRun(this.deps.prisma, run)) return this.waitForSession(job, token);
    if (this.handover.signal.aborted) return this.waitForSession(job, token);
    const lease = await this.deps.leases.acquire(sessionId, runId);
    if (!lease) return this.waitForSession(job, token);
    // A handover stops the run like a lost lease: it writes nothing more, and another worker resumes it.
    const execution = this.execute(run, AbortSignal.any([lease.lost, this.handover.signal]));
    this.active.add(execution);
    try {
      await execution;
    } catch (error) {
      if (!this.handover.signal.aborted) throw error;
      // Back in the queue now, not when the job lock times out: the next worker resumes it at once.
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    } finally {
      this.active.delete(execution);
      await lease.release();
      await wakeNextRun(this.deps.prisma, this.deps.queue, sessionId);
    }
  }

  /**
   * Stops every run this worker is executing and hands it over: each stops writing, releases its
   * session and goes back to the queue, where another worker resumes it from its last stored step
   * (a tool call that was running is reported as interrupted). Resolves when all have.
   */
  async handOver(): Promise<void> {
    this.handover.abort(new Error("the worker is shutting down; another worker resumes the run"));
    await Promise.allSettled([...this.active]);
  }

  loadRun(runId: string) {
    return this.deps.prisma.run.findUnique({
      where: { id: runId },
      include: {
        // The workspace's model preferences come along: one round trip less before the first token.
        session: { include: { workspace: { select: { preferences: true, sandboxNetwork: true } } } },
        message: { include: { parts: { where: { type: "text" }, orderBy: { index: "asc" } } } },
      },
    });
  }

  private async execute(run: LoadedRun, leaseLost: AbortSignal): Promise<void> {
    const { sessionId } = run;
    const emit: Emit = (event, data) => this.deps.events.append(sessionId, event, data);
    const userText = run.message.parts.map((part) => (part.data as { text: string }).text).join("");

    // Listen for cancels before reading the cancel key: one arriving in between is not lost.
    const tracked = this.deps.controlListener.track(run.id);
    const signals: LoopSignals = { signal: AbortSignal.any([tracked.signal, leaseLost]), leaseLost };
    try {
      const firstStart = run.status === "queued" && run.startedAt === null;
      const [, cancelled] = await Promise.all([
        firstStart && emit("user_message_created", { type: "user_message_created", messageId: run.id, content: userText }),
        this.deps.control.isCancelled(run.id),
      ]);
      // A resumed run: calls its previous worker started are reported, never run again (before
      // the history is read, so it holds their results), and the step it was streaming is
      // announced as abandoned. Also when it is cancelled now: the transcript keeps no call
      // without a result, and clients drop the dead attempt's text.
      if (!firstStart) await closeDeadAttempt({ store: this.store, events: this.deps.events, logger: this.deps.logger }, { ...run, turn: run.message.turn }, emit);
      // The Postgres mark outlives a Redis loss; the key and the channel are the fast path.
      if (cancelled || tracked.signal.aborted || run.cancelRequestedAt !== null) {
        await this.store.finish(run.id, "cancelled");
        await emit("complete", { type: "cancelled", done: true, messageId: run.id });
        return;
      }
      // Independent round trips overlap: they are most of the wait before the first delta.
      const [history, stepsTaken, model, tools] = await Promise.all([
        loadModelHistory(this.deps.prisma, sessionId, run.message.turn),
        firstStart ? 0 : this.store.stepsTaken(sessionId, run.message.turn),
        this.deps.models.select({ workspaceId: run.session.workspaceId, session: run.session, role: "main", preferences: run.session.workspace.preferences }),
        run.withTools ? this.deps.tools(run.session.workspaceId) : [],
        this.store.markRunning(run.id),
        firstStart && this.nameSession(run, userText),
      ]);
      const outcome = await this.runLoop(run, { history, stepsTaken, model, tools, userText, emit, signals });
      // A loop that stopped because the lease went (or the worker hands the run over) did not finish it.
      if (leaseLost.aborted) throw new LeaseLostError(`run ${run.id} stopped: ${String(leaseLost.reason)}`);
      await finishRun(this.store, run.id, outcome, emit);
    } catch (error) {
      // Not the run's own failure: it is resumed from its last stored step once the session is free
      // (another worker, or the recovery sweep after Redis is back), never marked failed.
      if (leaseLost.aborted || error instanceof LeaseLostError || isRedisUnavailable(error)) throw error;
      await failRun({ store: this.store, events: this.deps.events, logger: this.deps.logger, retry: this.deps.retry }, { id: run.id, sessionId: run.sessionId, turn: run.message.turn }, randomUUID(), error);
    } finally {
      tracked.release();
    }
  }

  private async runLoop(
    run: LoadedRun,
    args: { history: ModelMessage[]; stepsTaken: number; model: ModelChoice; tools: Tool[]; userText: string; emit: Emit; signals: LoopSignals },
  ): Promise<LoopOutcome> {
    const { session } = run;
    const today = new Date();
    const variables = { session_id: session.id, session_title: session.title, date: today.toISOString().slice(0, 10), datetime: today.toISOString() };
    const scope: LoopScope = {
      workspaceId: session.workspaceId,
      sessionId: session.id,
      streamSessionId: session.id,
      runId: run.id,
      turn: run.message.turn,
      sessionDir: this.deps.sessionDir(session.id),
      network: session.workspace.sandboxNetwork,
      planMode: run.planMode,
      maxSteps: run.maxSteps ?? this.deps.defaultMaxSteps,
      stepsTaken: args.stepsTaken,
      thinkingBudget: thinkingBudget(ThinkingLevel.safeParse(run.thinkingLevel).data, args.userText),
      system: buildSystemPrompt(session, variables),
      model: args.model,
      rollUpSessionIds: [],
      callbacks: CallbackList.safeParse(session.callbacks).data ?? [],
      sessionModel: { modelProvider: session.modelProvider, modelId: session.modelId },
    };
    // Subagents cannot start subagents: they get every tool but Task.
    const withoutTask = args.tools.filter((tool) => tool.name !== TASK_TOOL_NAME);
    const subagentTools = new ToolRegistry(withoutTask);
    const subagentDeps: SubagentDeps = {
      tools: subagentTools,
      system: `${BASE_SYSTEM_PROMPT}\n\n${SUBAGENT_SYSTEM_SUFFIX}`,
      selectModel: (sessionModel) =>
        this.deps.models.select({ workspaceId: session.workspaceId, session: sessionModel, role: "subagent", preferences: session.workspace.preferences }),
    };
    // Filled below: the Task tool and callbacks need the services they are part of.
    const services: LoopServices = {
      store: this.store,
      tools: subagentTools,
      limits: this.deps.limits,
      sandbox: this.deps.sandbox,
      retry: this.deps.retry,
      prices: this.deps.prices,
      logger: this.deps.logger,
      emit: args.emit,
    };
    const env: ToolCallEnv = { permissions: this.deps.permissions, callbackTimeoutMs: this.deps.callbackTimeoutMs, callbackEffects: null };
    const task = createTaskTool(async (input, context) => {
      if (!context.toolCallId) return failed("Task needs a tool call id");
      const subagent = { title: input.description, prompt: input.prompt, parentToolCallId: context.toolCallId };
      return (await runSubagent(subagent, scope, services, env, args.signals, subagentDeps)).result;
    });
    // A run without tools (a chat reply) gets no Task either.
    services.tools = new ToolRegistry(run.withTools ? [...withoutTask, task] : []);
    env.callbackEffects = (call) =>
      callbackEffects({ prisma: this.deps.prisma, queue: this.deps.queue }, { run, toolCallId: call.id, scope, services, env, history: args.history, signals: args.signals, subagentDeps });
    return runAgentLoop(scope, args.history, services, env, args.signals);
  }

  /** A session created with a generic title is named after its first message. */
  private async nameSession(run: LoadedRun, userText: string): Promise<void> {
    if (run.message.turn !== 1 || !isGenericTitle(run.session.title)) return;
    await this.deps.prisma.session.updateMany({ where: { id: run.sessionId, title: run.session.title }, data: { title: titleFromMessage(userText) } });
  }

  /** Marks a run whose job failed for the last time (worker crash loop, infrastructure). */
  async abandon(runId: string, reason: string): Promise<void> {
    const run = await this.loadRun(runId);
    if (!run) return;
    const changed = await this.store.finish(runId, "failed", reason);
    if (changed.count > 0) await this.deps.events.append(run.sessionId, "error", { type: "run_failed", error: reason });
    await wakeNextRun(this.deps.prisma, this.deps.queue, run.sessionId);
  }

  private async waitForSession(job: Job, token: string | undefined): Promise<never> {
    await job.moveToDelayed(Date.now() + this.deps.busyRetryMs, token);
    throw new DelayedError();
  }
}
