/**
 * One agent loop on the scripted model with an in-memory step store, for tests of the loop
 * without Postgres or Redis: every event it emits is recorded, and the test holds its cancel
 * and its lease.
 */
import type { EventName, EventPayload } from "../../src/contracts";
import { runAgentLoop } from "../../src/agent/agent-loop";
import type { CreditCheck, LoopScope, LoopServices } from "../../src/agent/loop-types";
import type { Emit } from "../../src/agent/model-step";
import type { ToolCallEnv } from "../../src/agent/tool-calls";
import { createLogger } from "../../src/logging/logger";
import { ScriptedProvider } from "../../src/models/scripted/scripted-provider";
import type { Tool } from "../../src/tools/tool";
import { ToolRegistry } from "../../src/tools/tool-registry";
import { InMemoryStepStore } from "./in-memory-step-store";
import type { SessionDirFixture } from "./session-dir";

const provider = new ScriptedProvider({ contentDeltas: 4, reasoningDeltas: 1, delayMs: 0 });
const logger = createLogger("test", "silent");

/** Session "s", run "r" of workspace "w", on the scripted model. */
const SCOPE: Omit<LoopScope, "sessionDir" | "maxSteps" | "stepsTaken"> = {
  workspaceId: "w",
  sessionId: "s",
  streamSessionId: "s",
  runId: "r",
  turn: 1,
  network: "none",
  planMode: false,
  thinkingBudget: 0,
  system: "You are a test.",
  model: { provider, providerName: "scripted", modelId: "scripted-1" },
  rollUpSessionIds: [],
  callbacks: [],
  sessionModel: { modelProvider: null, modelId: null },
  sentBy: { apiKeyId: null, memberId: null },
};

export interface Seen {
  event: EventName;
  data: Record<string, unknown>;
  /** The step the run named as streaming when the event went out. */
  streaming: string | null | undefined;
}

/** One loop of SCOPE working in `dir`; `onEvent` sees each event as it is emitted. */
export function agentLoopOf(
  dir: SessionDirFixture,
  options: {
    tools?: (services: Omit<LoopServices, "tools">, scope: LoopScope) => Tool[];
    maxSteps?: number;
    stepsTaken?: number;
    onEvent?: (seen: Seen) => void;
    /** Asked before each model call (none: every call goes ahead). */
    credits?: CreditCheck;
  } = {},
) {
  const store = new InMemoryStepStore();
  const seen: Seen[] = [];
  const emit: Emit = async <E extends EventName>(event: E, data: EventPayload<E>) => {
    const entry = { event, data: data as Record<string, unknown>, streaming: store.streaming.get("r") };
    seen.push(entry);
    options.onEvent?.(entry);
  };
  const cancel = new AbortController();
  const lease = new AbortController();
  const signals = { signal: AbortSignal.any([cancel.signal, lease.signal]), leaseLost: lease.signal };
  const scope: LoopScope = { ...SCOPE, sessionDir: dir.context.sessionDir, maxSteps: options.maxSteps ?? 5, stepsTaken: options.stepsTaken ?? 0 };
  const shared: Omit<LoopServices, "tools"> = {
    store,
    limits: dir.context.limits,
    sandbox: dir.context.sandbox,
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    prices: { costOf: (_model, usage) => usage.completionTokens / 1_000 },
    ...(options.credits ? { credits: options.credits } : {}),
    logger,
    emit,
  };
  const services: LoopServices = { ...shared, tools: new ToolRegistry(options.tools?.(shared, scope) ?? []) };
  const env: ToolCallEnv = { callbackEffects: null, callbackTimeoutMs: 1_000 };
  return {
    store,
    seen,
    signals,
    cancel: () => cancel.abort(new Error("cancelled by the test")),
    loseLease: () => lease.abort(new Error("lease lost in the test")),
    run: (text: string) => runAgentLoop(scope, [{ role: "user", content: text }], services, env, signals),
  };
}

export const names = (seen: Seen[]) => seen.map((entry) => entry.event);
