/**
 * Queue names and the typed job catalog. Renaming a queue or a job breaks jobs already queued
 * by a running release: add new names instead. New payload fields must be optional so jobs
 * enqueued by an older release still validate. The worker of each queue has a handler for every
 * job the catalog puts on it, or it refuses to start.
 */
import { z } from "zod";

export const QueueName = {
  /** Agent runs: one job per user message. */
  AgentRuns: "agent-runs",
  /** Periodic housekeeping (OAuth token refresh, MCP server checks), run by repeatable jobs. */
  Maintenance: "maintenance",
  /** Untrusted files' parsers (pdftotext, ffmpeg, vipsthumbnail) the API and the MCP server ask for, run in a worker's sandbox. */
  FileParsing: "file-parsing",
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const RunAgentJob = z.object({
  runId: z.string().min(1),
  sessionId: z.string().min(1),
  workspaceId: z.string().min(1),
  /**
   * W3C trace context (`traceparent`, `tracestate`) of the send that queued the run, so the run's
   * spans join the request's trace. Optional (older jobs, sends without tracing); one that does
   * not fit is dropped, never a reason to refuse the job.
   */
  trace: z.record(z.string().max(64), z.string().max(1024)).optional().catch(undefined),
});
export type RunAgentJob = z.infer<typeof RunAgentJob>;

/** No payload: the job refreshes every OAuth token that expires soon. */
export const RefreshOAuthTokensJob = z.object({});
export type RefreshOAuthTokensJob = z.infer<typeof RefreshOAuthTokensJob>;

/** No payload: the job checks every configured MCP server and caches what GET /api/mcp shows. */
export const RefreshMcpServersJob = z.object({});
export type RefreshMcpServersJob = z.infer<typeof RefreshMcpServersJob>;

/** The programs a parser job may run; the worker refuses any other. */
export const ParserProgram = z.enum(["pdftotext", "ffmpeg", "vipsthumbnail"]);
export type ParserProgram = z.infer<typeof ParserProgram>;

/** One parser run, in a scratch folder on the storage the API and the workers share. */
export const ParseFileJob = z.object({
  /** The folder's name under STORAGE_DIR/.parsing: a UUID the caller made, never a path. */
  folder: z.uuid(),
  program: ParserProgram,
  args: z.array(z.string().max(4_096)).max(64),
  timeoutMs: z.number().int().min(1).max(600_000),
});
export type ParseFileJob = z.infer<typeof ParseFileJob>;

const CapturedText = z.object({ text: z.string(), droppedChars: z.number() });

/** What a parser job answers: the run's exit (its outputs stay files in the folder), or that the worker's sandbox could not start. */
export const ParseFileResult = z.union([
  z.object({
    exitCode: z.number().int(),
    stoppedBy: z.enum(["timeout", "abort"]).nullable(),
    limitHit: z.object({ limit: z.enum(["cpu", "memory", "processes", "file_size", "open_files"]), message: z.string() }).nullable(),
    stdout: CapturedText,
    stderr: CapturedText,
  }),
  z.object({ unavailable: z.literal(true) }),
]);
export type ParseFileResult = z.infer<typeof ParseFileResult>;

/** What the catalog says of each job. */
export interface JobSpec {
  queue: QueueName;
  payload: z.ZodType;
  attempts: number;
}

export const JobCatalog = {
  "run-agent": {
    queue: QueueName.AgentRuns,
    payload: RunAgentJob,
    /** Attempts after a crash or a stalled worker; a run resumes from its last persisted step. */
    attempts: 3,
  },
  "refresh-oauth-tokens": {
    queue: QueueName.Maintenance,
    payload: RefreshOAuthTokensJob,
    /** The next run, 10 minutes later, retries what failed; tokens are refreshed 35 minutes ahead. */
    attempts: 1,
  },
  "refresh-mcp-servers": {
    queue: QueueName.Maintenance,
    payload: RefreshMcpServersJob,
    /** The next run, MCP_REFRESH_MS later, checks again. */
    attempts: 1,
  },
  "parse-file": {
    queue: QueueName.FileParsing,
    payload: ParseFileJob,
    /** A client waits for the answer: a parser that failed once is reported, not retried behind its back. */
    attempts: 1,
  },
} as const satisfies Record<string, JobSpec>;
export type JobName = keyof typeof JobCatalog;
export type JobPayload<N extends JobName> = z.infer<(typeof JobCatalog)[N]["payload"]>;

/** The jobs that run on one queue, e.g. `JobNameOf<"maintenance">`. */
export type JobNameOf<Q extends QueueName> = { [N in JobName]: (typeof JobCatalog)[N]["queue"] extends Q ? N : never }[JobName];

/** The jobs of the catalog that run on `queue`: each needs a handler in the worker of that queue. */
export function jobNamesOf<Q extends QueueName>(queue: Q): JobNameOf<Q>[] {
  return (Object.keys(JobCatalog) as JobName[]).filter((name): name is JobNameOf<Q> => JobCatalog[name].queue === queue);
}
