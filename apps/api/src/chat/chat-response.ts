/**
 * Writes one chat reply to its HTTP response as plain text chunks, as the run generates them
 * (chunked transfer, no SSE framing). The status line goes out with the first chunk, so a run
 * that fails or times out before any text can still answer in the contract's error shape.
 * Text that went out and then turned out to belong to an abandoned step (worker lost, model call
 * retried) cannot be taken back: the transfer is then cut without its last chunk, so a client
 * sees a failed download, never a complete reply that holds abandoned text.
 */
import { CREDITS_EXHAUSTED, type ChatStarted, type ErrorResponse, type RunFollower, type RunOutcome } from "@mix/core";
import type { Response } from "express";

/** How long a response waits for its reply; the run itself goes on and stays in the session. */
export const CHAT_REPLY_TIMEOUT_MS = 10 * 60_000;

export async function streamChatReply(follower: Pick<RunFollower, "follow">, started: ChatStarted, response: Response): Promise<void> {
  let written = false;
  const start = () => {
    if (response.headersSent) return;
    response.status(200).set({
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    });
  };
  const handlers = {
    text(text: string) {
      if (text === "" || response.writableEnded) return;
      start();
      written = true;
      response.write(text);
    },
    end(outcome: RunOutcome) {
      if (response.writableEnded) return;
      if (outcome.kind === "abandoned" && written) {
        response.destroy();
        return;
      }
      const failure = describeFailure(outcome, started.conversationId);
      if (failure && !written && !response.headersSent) {
        response.status(failure.error.code).json(failure);
        return;
      }
      start();
      response.end();
    },
  };

  let followed: { stop(): void } | undefined;
  let gone = false;
  // `close` also fires after a normal end; only a response that never finished means the client left.
  response.on("close", () => {
    if (response.writableFinished) return;
    gone = true;
    followed?.stop();
  });
  const run = { sessionId: started.conversationId, messageId: started.messageId, afterEventId: started.afterEventId };
  // What went out cannot be taken back: a restart of a step whose text was written ends the reply.
  followed = await follower.follow(run, handlers, { timeoutMs: CHAT_REPLY_TIMEOUT_MS, textIsFinal: true });
  if (gone) followed.stop();
}

function describeFailure(outcome: RunOutcome, conversationId: string): ErrorResponse | null {
  switch (outcome.kind) {
    case "complete":
      return null;
    case "failed":
      // Out of credits before the reply's model call: the status a send at zero answers.
      if (outcome.type === CREDITS_EXHAUSTED) return { error: { code: 402, message: outcome.error, type: "bad_request", reason: "credits_exhausted" } };
      return { error: { code: 502, message: `The reply failed: ${outcome.error}`, type: "internal_error", reason: "upstream_failed" } };
    case "abandoned":
      // Not reached in practice: a reply ends as abandoned only once some of its text went out.
      return { error: { code: 502, message: `The reply was interrupted: ${outcome.error}`, type: "internal_error", reason: "upstream_failed" } };
    case "timeout":
      return {
        error: {
          code: 504,
          message: `No reply within ${CHAT_REPLY_TIMEOUT_MS / 1000} s; it may still complete in conversation ${conversationId}`,
          type: "internal_error",
          reason: "timeout",
        },
      };
    case "awaiting_permission":
    case "awaiting_input":
      // Not reached in practice: a chat run is offered no tools, so nothing in it asks permission or questions.
      return {
        error: {
          code: 502,
          message: `The reply waits for ${outcome.kind === "awaiting_permission" ? `permission to use ${outcome.permission.toolName}` : "an answer to a question"}; answer it in conversation ${conversationId}`,
          type: "internal_error",
          reason: "upstream_failed",
        },
      };
    case "stopped":
    case "not_in_log":
      // Not reached: a chat reply is followed with neither a signal nor a log check.
      return null;
  }
}
