/**
 * Executes one run job. Runs of a session go one at a time and in the order their messages
 * were sent: a job whose session is busy, or that has an earlier run still pending, steps back
 * into the delayed set and is woken when the run ahead of it ends.
 */
import { randomUUID } from "node:crypto";
import { DelayedError, type Job } from "bullmq";
import type { PrismaClient, WorkspacePreferences } from "@mix/db";
import { CallbackList, RunAgentJob, ThinkingLevel } from "../contracts";
import type { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import type { Emit } from "../agent/loop/model-step";
import { runAgentLoop } from "../agent/loop/agent-loop";
import type { RetryPolicy } from "../agent/loop/model-retry";
import { LeaseLostError, type LoopOutcome, type LoopScope, type LoopServices, type LoopSignals, type PriceLookup } from "../agent/loop/loop-types";
import { runSubagent, SUBAGENT_SYSTEM_SUFFIX, type SubagentDeps } from "../agent/loop/subagent";
import type { ToolCallEnv } from "../agent/loop/tool-calls";
import type { ModelChoice } from "../agent/model-selection/model-selector";
import { RetryableProviderError, type ModelMessage } from "../agent/provider";
import { thinkingBudget } from "../agent/thinking";
import type { CallbackEffects } from "../callbacks/callback-invocation";
import { insertUserMessage } from "../messages/insert-user-message";
import type { PermissionGate } from "../permissions/permission-gate";
import { isGenericTitle, titleFromMessage } from "../sessions/session-title";
import { BASE_SYSTEM_PROMPT, buildSystemPrompt } from "../sessions/system-prompt";
import { ACTIVE_RUN_STATUSES } from "../sessions/sessions.service";
import type { Sandbox } from "../sandbox/sandbox";
import { createTaskTool, TASK_TOOL_NAME } from "../tools/task";
import { failed, type Tool, type ToolLimits } from "../tools/tool";
import { ToolRegistry } from "../tools/tool-registry";
import type { RunControl, RunControlListener } from "./run-control";
import { INTERRUPTED_RESULT, loadModelHistory } from "./run-history";
import type { RunLeases } from "./run-lease";
import type { RunQueue } from "./run-queue";
import { RunStore } from "./run-store";

export interface ModelChooser {
  select(args: {
    workspaceId: string;
    session: { modelProvider: string | null; modelId: string | null };
    role: "main" | "subagent";
    preferences?: WorkspacePreferences | null;
  }): Promise<ModelChoice>;
}

export interface RunProcessorDeps {
  prisma: PrismaClient;
  events: EventLog;
  leases: RunLeases;
  control: RunControl;
  controlListener: RunControlListener;
  queue: RunQueue;
  models: ModelChooser;
  /** The tools a workspace's agent is offered (built-ins and its MCP servers' tools). */
  tools(workspaceId: string): Promise<Tool[]>;
  /** Absent: no tool asks permission (tests of other parts, benchmarks). */
  permissions?: PermissionGate;
  prices: PriceLookup;
  retry: RetryPolicy;
  limits: ToolLimits;
  /** Where the agent's commands run. */
  sandbox: Sandbox;
  /** The folder of a session's files, where its tools work. */
  sessionDir(sessionId: string): string;
  defaultMaxSteps: number;
  callbackTimeoutMs: number;
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
      if (cancelled || tracked.signal.aborted) {
        await this.store.finish(run.id, "cancelled");
        await emit("complete", { type: "cancelled", done: true, messageId: run.id });
        return;
      }
      // A resumed run: calls its previous worker started are reported, never run again (before
      // the history is read, so it holds their results).
      if (!firstStart) await this.reportInterruptedCalls(run, emit);
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
      await this.finishRun(run, outcome, emit);
    } catch (error) {
      if (leaseLost.aborted || error instanceof LeaseLostError) throw error;
      await this.failRun(run, randomUUID(), error);
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
    env.callbackEffects = (call) => this.callbackEffects(run, call.id, scope, services, env, args, subagentDeps);
    return runAgentLoop(scope, args.history, services, env, args.signals);
  }

  private callbackEffects(
    run: LoadedRun,
    toolCallId: string,
    scope: LoopScope,
    services: LoopServices,
    env: ToolCallEnv,
    args: { history: ModelMessage[]; signals: LoopSignals },
    subagentDeps: SubagentDeps,
  ): CallbackEffects {
    return {
      runSubAgent: async (prompt, options) => {
        const context = options.includeFullHistory ? textOnly(args.history) : [];
        const { result, sessionId } = await runSubagent(
          { title: `Callback after ${toolCallId}`, prompt, parentToolCallId: toolCallId, context },
          scope,
          services,
          env,
          args.signals,
          subagentDeps,
        );
        if (result.isError) throw new Error(result.output);
        // The callback's result names the child session (subagent_id), so it can be opened.
        return { text: result.output, sessionId };
      },
      sendMessage: async (text) => {
        const messageId = await insertUserMessage(this.deps.prisma, {
          workspaceId: run.session.workspaceId,
          sessionId: run.sessionId,
          text,
          planMode: false,
          thinkingLevel: null,
          idempotencyKey: null,
        });
        // Queued behind this run by turn order; it starts when this run ends.
        if (messageId) await this.deps.queue.enqueue({ runId: messageId, sessionId: run.sessionId, workspaceId: run.session.workspaceId });
      },
    };
  }

  private async finishRun(run: LoadedRun, outcome: LoopOutcome, emit: Emit): Promise<void> {
    const reasoning = outcome.reasoning ? { reasoning: outcome.reasoning, reasoningDuration: outcome.reasoningDurationMs } : {};
    const messageId = outcome.lastMessageId ?? run.id;
    if (outcome.status === "max_steps") {
      const reason = `Stopped after ${outcome.steps} steps: the run's limit (max_steps) was reached before the agent finished.`;
      await this.store.finish(run.id, "completed", reason);
      await emit("error", { type: "max_steps_reached", error: reason });
      await emit("complete", { type: "max_steps_reached", done: true, messageId, content: outcome.text, ...reasoning });
      return;
    }
    const cancelled = outcome.status === "cancelled";
    await this.store.finish(run.id, cancelled ? "cancelled" : "completed");
    await emit("complete", { type: cancelled ? "cancelled" : "complete", done: true, messageId, content: outcome.text, ...reasoning });
  }

  /** Tool calls the run's previous worker started and never finished get an "interrupted" result. */
  private async reportInterruptedCalls(run: LoadedRun, emit: Emit): Promise<void> {
    for (const call of await this.store.danglingToolCalls(run.sessionId, run.message.turn)) {
      await this.store.appendPart(call.messageId, call.nextIndex, { type: "tool_result", toolCallId: call.toolCallId, result: INTERRUPTED_RESULT, isError: true });
      await emit("tool_execution_complete", {
        type: "tool_execution_complete",
        toolCallId: call.toolCallId,
        toolName: call.name,
        progress: "Interrupted",
        success: false,
      });
    }
  }

  /** A session created with a generic title is named after its first message. */
  private async nameSession(run: LoadedRun, userText: string): Promise<void> {
    if (run.message.turn !== 1 || !isGenericTitle(run.session.title)) return;
    await this.deps.prisma.session.updateMany({ where: { id: run.sessionId, title: run.session.title }, data: { title: titleFromMessage(userText) } });
  }

  /** A model failure ends the run for good: persisted, announced, never left hanging. */
  private async failRun(run: LoadedRun, messageId: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.deps.logger.warn({ err: error, runId: run.id }, "run failed");
    await this.store.saveError({ sessionId: run.sessionId, turn: run.message.turn, messageId, message });
    await this.store.finish(run.id, "failed", message);
    const retries = error instanceof RetryableProviderError ? { attempt: this.deps.retry.maxAttempts, maxAttempts: this.deps.retry.maxAttempts } : {};
    await this.deps.events.append(run.sessionId, "error", { type: "run_failed", error: message, ...retries });
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

/** The conversation's words without its tool calls: context a callback's subagent may read. */
function textOnly(history: ModelMessage[]): ModelMessage[] {
  return history.flatMap((message): ModelMessage[] =>
    message.role === "tool" || message.content === "" ? [] : [{ role: message.role, content: message.content }],
  );
}
