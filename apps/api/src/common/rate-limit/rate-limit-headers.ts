/**
 * The answer's rate-limit fields, in the form of the IETF draft "RateLimit Fields for HTTP"
 * (draft-ietf-httpapi-ratelimit-headers-06: separate fields, the form most clients parse):
 * `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` describe the bucket closest to
 * running out, and `RateLimit-Policy` lists every bucket the request counted against, that one
 * first (`600;w=60;burst=600;comment="key"`). With token buckets, Reset is the seconds until that
 * bucket is full again; a 429's Retry-After is the seconds until it holds a token. A route with
 * a budget of its own also keeps the `X-RateLimit-Limit`/`-Remaining` of that budget, as before.
 */
import { reportedBucket, type LimitedState, type TakeResult } from "@mix/core";
import type { Response } from "express";

const policy = ({ bucket }: LimitedState) =>
  `${bucket.limit};w=${Math.round(bucket.windowMs / 1000)};burst=${bucket.burst ?? bucket.limit};comment="${bucket.name}"`;

export function setRateLimitHeaders(response: Response, result: TakeResult): void {
  if (result.buckets.length === 0) return;
  const states = result.buckets as LimitedState[];
  const reported = reportedBucket(result);
  response.setHeader("RateLimit-Limit", String(reported.bucket.limit));
  response.setHeader("RateLimit-Remaining", String(reported.remaining));
  response.setHeader("RateLimit-Reset", String(Math.ceil(reported.fullMs / 1000)));
  response.setHeader("RateLimit-Policy", [reported, ...states.filter((state) => state !== reported)].map(policy).join(", "));
  const budget = states.find((state) => state.bucket.budget);
  if (budget) {
    response.setHeader("X-RateLimit-Limit", String(budget.bucket.limit));
    response.setHeader("X-RateLimit-Remaining", String(budget.remaining));
  }
  if (!result.allowed) response.setHeader("Retry-After", String(result.retryAfterSeconds));
}
