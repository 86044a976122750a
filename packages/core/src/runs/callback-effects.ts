/**
 * What a run's session callbacks may do beyond a command: start a subagent inside the run, or
 * queue a message that runs after it.
 */
import type { PrismaClient } from "@mix/db";
import type { LoopScope, LoopServices, LoopSignals } from "../agent/loop-types";
import { runSubagent, type SubagentDeps } from "../agent/subagent";
import type { ToolCallEnv } from "../agent/tool-calls";
import type { ModelMessage } from "../models/model-provider";
import type { CallbackEffects } from "../callbacks/callback-invocation";
import { insertUserMessage } from "../messages/insert-user-message";
import type { RunQueue } from "../queues/run-queue";

export interface CallbackEffectsContext {
  run: { sessionId: string; session: { workspaceId: string } };
  toolCallId: string;
  scope: LoopScope;
  services: LoopServices;
  env: ToolCallEnv;
  history: ModelMessage[];
  signals: LoopSignals;
  subagentDeps: SubagentDeps;
}

export function callbackEffects(deps: { prisma: PrismaClient; queue: RunQueue }, context: CallbackEffectsContext): CallbackEffects {
  const { run, toolCallId, scope, services, env, history, signals, subagentDeps } = context;
  return {
    runSubAgent: async (prompt, options) => {
      const subagentContext = options.includeFullHistory ? textOnly(history) : [];
      const { result, sessionId } = await runSubagent(
        { title: `Callback after ${toolCallId}`, prompt, parentToolCallId: toolCallId, context: subagentContext },
        scope,
        services,
        env,
        signals,
        subagentDeps,
      );
      if (result.isError) throw new Error(result.output);
      // The callback's result names the child session (subagent_id), so it can be opened.
      return { text: result.output, sessionId };
    },
    sendMessage: async (text) => {
      const messageId = await insertUserMessage(deps.prisma, {
        workspaceId: run.session.workspaceId,
        sessionId: run.sessionId,
        text,
        planMode: false,
        thinkingLevel: null,
        idempotencyKey: null,
      });
      // Queued behind this run by turn order; it starts when this run ends.
      if (messageId) await deps.queue.enqueue({ runId: messageId, sessionId: run.sessionId, workspaceId: run.session.workspaceId });
    },
  };
}

/** The conversation's words without its tool calls: context a callback's subagent may read. */
function textOnly(history: ModelMessage[]): ModelMessage[] {
  return history.flatMap((message): ModelMessage[] =>
    message.role === "tool" || message.content === "" ? [] : [{ role: message.role, content: message.content }],
  );
}
