/**
 * The attempts of one model step. Each attempt streams under its own assistant message id (the
 * last one is the id the step is stored under), and the run names it (`streamingMessageId`)
 * before the attempt's first event goes out, so a worker that resumes the run after a crash can
 * announce the partial output as abandoned. An attempt that streamed something and is then
 * retried is announced at once: a `step_restarted` error event naming its id, before the retry's.
 */
import { randomUUID } from "node:crypto";
import { STEP_RESTARTED, type EventName, type EventPayload } from "../contracts";
import type { ModelRequest, RetryableProviderError } from "../models/model-provider";
import type { LoopScope, LoopServices, LoopSignals } from "./loop-types";
import { traceModelCall } from "../tracing/spans";
import { withModelRetries } from "./model-retry";
import { runModelStep, type Emit, type ModelStepResult } from "./model-step";

export interface StreamedStep {
  /** The id of the attempt that finished: the assistant message the step is stored as. */
  messageId: string;
  step: ModelStepResult;
}

export async function streamStep(
  scope: Pick<LoopScope, "runId" | "model">,
  request: ModelRequest,
  services: Pick<LoopServices, "store" | "emit" | "logger" | "retry">,
  signals: Pick<LoopSignals, "signal">,
): Promise<StreamedStep> {
  let abandoned: string | undefined;
  const announce = async (error: RetryableProviderError) => {
    if (!abandoned) return;
    await services.emit("error", {
      type: STEP_RESTARTED,
      error: `The model call failed mid-step (${error.message}) and is retried: drop the output streamed for this step so far.`,
      assistantMessageId: abandoned,
    });
    abandoned = undefined;
  };
  return withModelRetries(
    services.retry,
    signals.signal,
    services.emit,
    async () => {
      const attempt = new StepAttempt(services, scope.runId);
      try {
        const model = { provider: scope.model.provider.name, model: request.model };
        const step = await traceModelCall(model, () => runModelStep(scope.model.provider, request, attempt.id, signals.signal, attempt.emit));
        // Named before it is stored: a crash in between resumes knowing whether it was.
        await attempt.recorded();
        return { messageId: attempt.id, step };
      } catch (error) {
        abandoned = attempt.emitted ? attempt.id : undefined;
        // The next attempt is named only once this one's write has landed, so it is never overtaken by it.
        await attempt.settled();
        throw error;
      }
    },
    announce,
  );
}

class StepAttempt {
  readonly id: string;
  emitted = false;
  /** Settles with the write's failure, if any; a handler is attached at once so none goes unhandled. */
  private readonly naming: Promise<unknown>;

  constructor(
    private readonly services: Pick<LoopServices, "store" | "emit" | "logger">,
    private readonly runId: string,
  ) {
    const named = services.store.takeNamedStep?.(runId);
    this.id = named ?? randomUUID();
    // Started with the model call, so the write overlaps the wait for the model's first token.
    this.naming = named
      ? Promise.resolve(undefined)
      : services.store.markStreaming(runId, this.id).then(
          () => undefined,
          (error: unknown) => error ?? new Error("naming the streaming step failed"),
        );
  }

  /** Set by the first event: the run names the attempt before any event goes out. */
  private named: Promise<void> | undefined;

  /**
   * Every event of the attempt, in the order emitted (they may be emitted without waiting for
   * each other): all wait behind the one naming write, and go on in their order once it landed.
   */
  readonly emit: Emit = <E extends EventName>(event: E, data: EventPayload<E>) => {
    if (!this.named) {
      this.emitted = true;
      this.named = this.recorded();
    }
    return this.named.then(() => this.services.emit(event, data));
  };

  /** Waits for the run to name this attempt; throws when that write failed. */
  async recorded(): Promise<void> {
    const failure = await this.naming;
    if (failure) throw failure;
  }

  /** Waits for the write to land or fail, for an attempt that failed anyway. */
  async settled(): Promise<void> {
    const failure = await this.naming;
    // An attempt that emitted already threw this failure from its first event; one that emitted
    // nothing left nothing for a resumed run to announce, so the write not landing costs nothing.
    if (failure && !this.emitted) this.services.logger.warn({ err: failure, runId: this.runId }, "could not name the run's streaming step");
  }
}
