/**
 * Waits for one run's reply through the session's event log (core's followChatReply: replay
 * from before the message was sent, then live events, matched by the user message id), handing
 * each text delta on. Resolves when the run ends, the timeout passes, or the caller aborts;
 * in every case the run itself goes on in the worker.
 */
import { followChatReply, type ApiServices, type ReplyOutcome } from "@mix/core";

export interface FollowedRun {
  outcome: ReplyOutcome | { kind: "aborted" };
  text: string;
}

export interface RunToFollow {
  sessionId: string;
  messageId: string;
  afterEventId: number;
}

export async function followRun(
  services: ApiServices,
  run: RunToFollow,
  options: { timeoutMs: number; signal: AbortSignal; onText(text: string): void },
): Promise<FollowedRun> {
  let text = "";
  return new Promise<FollowedRun>((resolve, reject) => {
    const started = {
      conversationId: run.sessionId,
      messageId: run.messageId,
      afterEventId: run.afterEventId,
      // Not used to follow; a session keeps no model of its own, so this is the deployment's default.
      model: services.models.resolve(undefined),
    };
    const handlers = {
      text(delta: string) {
        text += delta;
        options.onText(delta);
      },
      end(outcome: ReplyOutcome) {
        options.signal.removeEventListener("abort", onAbort);
        resolve({ outcome, text });
      },
    };
    let followed: { stop(): void } | undefined;
    const onAbort = () => {
      followed?.stop();
      resolve({ outcome: { kind: "aborted" }, text });
    };
    options.signal.addEventListener("abort", onAbort, { once: true });
    followChatReply(services.events, services.fanout, started, handlers, { timeoutMs: options.timeoutMs }).then(
      (handle) => {
        followed = handle;
        if (options.signal.aborted) handle.stop();
      },
      (error: unknown) => {
        options.signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
