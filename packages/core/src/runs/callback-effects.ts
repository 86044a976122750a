/**
 * What a run's session callbacks may do beyond a command: start a subagent inside the run, or
 * send a message that runs after it (as a client's message would: a `/command` is expanded).
 */
import type { StartSubagent } from "../agent/subagent";
import type { CallbackEffects } from "../callbacks/callback-invocation";
import type { SentBy, UserMessageSender } from "../messages/user-message-sender";
import type { ModelMessage } from "../models/model-provider";

export interface CallbackEffectsContext {
  run: { sessionId: string; workspaceId: string; sentBy?: SentBy };
  /** The call whose callbacks these are. */
  toolCallId: string;
  /** The run's conversation so far (a callback's subagent may read its words). */
  history: ModelMessage[];
  startSubagent: StartSubagent;
}

export function callbackEffects(messages: Pick<UserMessageSender, "send">, context: CallbackEffectsContext): CallbackEffects {
  const { run, toolCallId, history, startSubagent } = context;
  return {
    runSubAgent: async (prompt, options) => {
      const subagentContext = options.includeFullHistory ? textOnly(history) : [];
      const { result, sessionId } = await startSubagent({
        title: `Callback after ${toolCallId}`,
        prompt,
        parentToolCallId: toolCallId,
        context: subagentContext,
      });
      if (result.isError) throw new Error(result.output);
      // The callback's result names the child session (subagent_id), so it can be opened.
      return { text: result.output, sessionId };
    },
    sendMessage: async (text) => {
      // Queued behind this run by turn order; it starts when this run ends.
      await messages.send(run.workspaceId, run.sessionId, { text, plan_mode: false }, run.sentBy ? { sentBy: run.sentBy } : {});
    },
  };
}

/** The conversation's words without its tool calls: context a callback's subagent may read. */
function textOnly(history: ModelMessage[]): ModelMessage[] {
  return history.flatMap((message): ModelMessage[] =>
    message.role === "tool" || message.content === "" ? [] : [{ role: message.role, content: message.content }],
  );
}
