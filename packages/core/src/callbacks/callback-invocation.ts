/** What a session callback is given when it runs after a tool call, and what it hands back. */
import type { Sandbox, SandboxNetwork } from "../sandbox/sandbox";

export interface CallbackInvocation {
  sessionId: string;
  /** The session's storage folder: a bash_script callback's working directory. */
  sessionDir: string;
  /** Where a bash_script callback runs, with the network its workspace allows. */
  sandbox: Sandbox;
  network: SandboxNetwork;
  toolName: string;
  toolCallId: string;
  /** The tool's output text. */
  toolResult: string;
  /** The run's cancel signal: aborting stops the callback and rejects with its reason. */
  signal: AbortSignal;
  /** A bash_script callback's time limit when it sets no bashTimeout (CALLBACK_TIMEOUT_MS). */
  defaultTimeoutMs: number;
}

/** A sub-agent's final answer, optionally with the child session it ran in (reported as subagent_id). */
export type SubAgentAnswer = string | { text: string; sessionId?: string };

/** What callbacks may do to the session beyond running a command; the agent loop implements them. */
export interface CallbackEffects {
  runSubAgent(prompt: string, options: { subagentType?: string; includeFullHistory: boolean }): Promise<SubAgentAnswer>;
  /** Queues a user message in the session (it runs after the current run). */
  sendMessage(text: string): Promise<void>;
}

/** A `CallbackResultData` of the contract (snake_case fields), stored as a callback_result part. */
export type CallbackResult = Record<string, string | number | boolean | null>;

export interface CallbackOutcome {
  result: CallbackResult;
  /** Keep the result out of what the model is sent next (never for send_message). */
  excludeFromContext: boolean;
}
