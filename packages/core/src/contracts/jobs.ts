/**
 * Queue names and the typed job catalog. Renaming a queue or a job breaks jobs already queued
 * by a running release: add new names instead. New payload fields must be optional so jobs
 * enqueued by an older release still validate.
 */
import { z } from "zod";

export const QueueName = {
  /** Agent runs: one job per user message. */
  AgentRuns: "agent-runs",
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const RunAgentJob = z.object({
  runId: z.string().min(1),
  sessionId: z.string().min(1),
  workspaceId: z.string().min(1),
});
export type RunAgentJob = z.infer<typeof RunAgentJob>;

export const JobCatalog = {
  "run-agent": {
    queue: QueueName.AgentRuns,
    payload: RunAgentJob,
    /** Attempts after a crash or a stalled worker; a run resumes from its last persisted step. */
    attempts: 3,
  },
} as const;
export type JobName = keyof typeof JobCatalog;
export type JobPayload<N extends JobName> = z.infer<(typeof JobCatalog)[N]["payload"]>;
