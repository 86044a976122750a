/**
 * A multi-turn session of the real agent loop on a simulated Anthropic API (@mix/testing's
 * AnthropicSimulator: context limit, prompt cache), with an in-memory step store. Between turns
 * the history is rebuilt from what was stored, by the run's own loader (runs/run-history.ts), so
 * compaction markers are read back as a later run would read them.
 */
import { randomUUID } from "node:crypto";
import type { AnthropicSimulator } from "@mix/testing";
import type { EventName, EventPayload } from "../../src/contracts";
import { runAgentLoop } from "../../src/agent/agent-loop";
import type { LoopOutcome, LoopScope, LoopServices } from "../../src/agent/loop-types";
import type { ContextServices } from "../../src/context/context-services";
import { createLogger } from "../../src/logging/logger";
import type { PartData } from "../../src/messages/parts";
import { PriceTable } from "../../src/models/catalog/model-prices";
import { createProviderModel } from "../../src/models/providers/create-provider-model";
import { loadModelHistory } from "../../src/runs/run-history";
import type { TranscriptMessage } from "../../src/runs/run-step-store";
import type { Tool } from "../../src/tools/tool";
import { ToolRegistry } from "../../src/tools/tool-registry";
import { InMemoryStepStore } from "./in-memory-step-store";
import type { SessionDirFixture } from "./session-dir";

export const HAIKU = "claude-haiku-4-5";

export interface ContextSessionOptions {
  /** Omitted: no context handling at all (the whole history, no breakpoints). */
  context?: Partial<Omit<ContextServices, "summarizer">>;
  tools?: Tool[];
}

export function contextSession(simulator: AnthropicSimulator, dir: SessionDirFixture, options: ContextSessionOptions = {}) {
  const provider = createProviderModel({ provider: "anthropic", apiKey: "sk-ant-test", baseURL: `${simulator.url}/v1`, model: HAIKU });
  const model = { provider, providerName: "anthropic" as const, modelId: HAIKU };
  const store = new InMemoryStepStore();
  const users: { id: string; turn: number; text: string }[] = [];
  const events: { event: EventName; data: Record<string, unknown> }[] = [];
  const emit = async <E extends EventName>(event: E, data: EventPayload<E>) => {
    events.push({ event, data: data as Record<string, unknown> });
  };
  const context: ContextServices | undefined = options.context && {
    inputRoom: () => 200_000,
    threshold: 0.8,
    keepRecentTokens: 20_000,
    promptCaching: true,
    toolOutputMaxBytes: 32_768,
    ...options.context,
    summarizer: async () => model,
  };
  const services: LoopServices = {
    store,
    limits: dir.context.limits,
    sandbox: dir.context.sandbox,
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    prices: new PriceTable(),
    logger: createLogger("test", "silent"),
    emit,
    tools: new ToolRegistry(options.tools ?? []),
    ...(context ? { context } : {}),
  };

  /** The stored transcript up to a turn: each turn's user message, then its stored steps. */
  const transcript = async (_sessionId: string, upToTurn: number): Promise<TranscriptMessage[]> =>
    users
      .filter((user) => user.turn <= upToTurn)
      .flatMap((user) => [
        { id: user.id, role: "user" as const, parts: [{ type: "text", text: user.text } as PartData] },
        ...store.steps.filter((step) => step.turn === user.turn).map((step) => ({ id: step.id, role: "assistant" as const, parts: step.parts })),
      ]);

  return {
    store,
    events,
    /** One turn: the message stored, the history loaded as a run loads it, the loop run. */
    async send(text: string, extra: Partial<LoopScope> = {}): Promise<LoopOutcome> {
      const turn = users.length + 1;
      users.push({ id: randomUUID(), turn, text });
      const history = await loadModelHistory({ transcript }, "s", turn);
      const scope: LoopScope = {
        workspaceId: "w",
        sessionId: "s",
        streamSessionId: "s",
        runId: `r${turn}`,
        turn,
        sessionDir: dir.context.sessionDir,
        network: "none",
        planMode: false,
        maxSteps: 10,
        stepsTaken: 0,
        thinkingBudget: 0,
        system: "You are a careful assistant who remembers what the user says. ".repeat(4),
        model,
        rollUpSessionIds: [],
        callbacks: [],
        sessionModel: { modelProvider: "anthropic", modelId: HAIKU },
        sentBy: { apiKeyId: null, memberId: null },
        ...extra,
      };
      return runAgentLoop(
        scope,
        history,
        services,
        { callbackEffects: null, callbackTimeoutMs: 1_000 },
        { signal: new AbortController().signal, leaseLost: new AbortController().signal },
      );
    },
    /** What the session's calls cost, from the stored usage. */
    cost: () => store.steps.reduce((sum, step) => sum + step.usage.cost, 0),
    history: (turn: number) => loadModelHistory({ transcript }, "s", turn),
  };
}

/** A model that keeps notes: it answers what the secret word is from what it was sent, and summarises by keeping the facts. */
export function notesBrain(request: { body: { system?: unknown }; lastUserText: string; allText: string }) {
  if (JSON.stringify(request.body.system ?? "").includes("You compact")) {
    const facts = [...new Set(request.allText.match(/the secret word is \w+/gi) ?? [])];
    return { text: `The user sent numbered notes. Facts to keep: ${facts.join("; ") || "none"}.` };
  }
  if (/what is the secret word/i.test(request.lastUserText)) {
    const known = /the secret word is (\w+)/i.exec(request.allText);
    return { text: known ? `The secret word is ${known[1]}.` : "I do not know the secret word." };
  }
  return { text: `Noted (${request.lastUserText.length} characters).` };
}

/** A note of about `tokens` tokens. */
export const note = (index: number, tokens = 300) => `Note ${index}: ${"the weather was mild and the meeting ran long. ".repeat(Math.ceil((tokens * 4) / 47))}`;
