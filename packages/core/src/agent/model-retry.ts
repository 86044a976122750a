/**
 * Retries a model call the provider refused for now (rate limit, overload) with exponential
 * backoff, or after the delay the provider asked for. Each retry is announced as an `error`
 * event carrying attempt, maxAttempts and retryAfter (ms), so a client can show it; anything
 * else, or the last refusal, is thrown to end the run. `beforeRetry` runs first (the step
 * announces there what the failed attempt had streamed).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { RetryableProviderError } from "../models/model-provider";
import type { Emit } from "./model-step";

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export function retryDelayMs(policy: RetryPolicy, attempt: number, error: RetryableProviderError): number {
  if (error.retryAfterMs !== undefined) return Math.min(Math.ceil(error.retryAfterMs), policy.maxDelayMs);
  return Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
}

export async function withModelRetries<T>(
  policy: RetryPolicy,
  signal: AbortSignal,
  emit: Emit,
  call: (attempt: number) => Promise<T>,
  beforeRetry?: (error: RetryableProviderError) => Promise<void>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (!(error instanceof RetryableProviderError) || attempt >= policy.maxAttempts || signal.aborted) throw error;
      const delay = retryDelayMs(policy, attempt, error);
      await beforeRetry?.(error);
      await emit("error", {
        type: "retry",
        error: `${error.message} (HTTP ${error.status}); retrying in ${delay} ms`,
        attempt,
        maxAttempts: policy.maxAttempts,
        retryAfter: delay,
      });
      await sleep(delay, undefined, { signal });
    }
  }
}
