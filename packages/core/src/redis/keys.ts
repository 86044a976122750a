/**
 * Every Redis key and channel in one place. Per-session keys share the `{sessionId}` hash tag,
 * so the Lua scripts that touch several of them stay valid on Redis Cluster.
 */
export class RedisKeys {
  constructor(
    readonly prefix: string,
    /** On a Redis Cluster, BullMQ's keys get a hash tag of their own (see queuePrefix). */
    private readonly options: { cluster?: boolean } = {},
  ) {}

  /** Next event id of a session. Never expires: ids must keep rising for the session's life. */
  eventSeq = (sessionId: string) => `${this.prefix}:sess:{${sessionId}}:seq`;
  /** The highest event id Postgres has reserved for the session: the counter never passes it. */
  eventSeqTop = (sessionId: string) => `${this.prefix}:sess:{${sessionId}}:seqtop`;
  /** The replay log (a Redis Stream), bounded and expiring. */
  eventLog = (sessionId: string) => `${this.prefix}:sess:{${sessionId}}:log`;
  /** Pub/sub channel of a session's live events. */
  eventChannel = (sessionId: string) => `${this.prefix}:events:${sessionId}`;
  /** Which run holds the session (one run per session at a time). */
  runLease = (sessionId: string) => `${this.prefix}:sess:{${sessionId}}:lease`;
  /** The runs that stepped back to wait for the session (a set of run ids): its lease's release says whether any waits. */
  runsWaiting = (sessionId: string) => `${this.prefix}:sess:{${sessionId}}:waiting`;
  /** Set when a run is cancelled, so a worker that picks it up later still sees the decision. */
  runCancelled = (runId: string) => `${this.prefix}:run:${runId}:cancelled`;
  /** Held by the one worker whose recovery sweep is running (see runs/run-recovery.ts). */
  recoveryLock = () => `${this.prefix}:recovery:lock`;
  /** Control messages (cancel, ...) from API instances to workers. */
  controlChannel = () => `${this.prefix}:control`;
  /** Request counter of one rate-limit window (e.g. an API key's); expires with the window. */
  rateLimit = (scope: string) => `${this.prefix}:ratelimit:${scope}`;
  /** A pending OAuth flow (PKCE verifier, workspace, provider); expires, and is taken once with GETDEL. */
  oauthState = (state: string) => `${this.prefix}:oauth:state:${state}`;
  /**
   * A request a run waits on (a permission request, a notification) and its answer (a hash): the
   * decision lives here, so a waiter that missed the answers channel still finds it. Keyed by id
   * alone: answers only know the id. Permissions keep the key they always had.
   */
  userRequest = (kind: "permission" | "notification", id: string) => `${this.prefix}:${kind === "permission" ? "perm" : "notif"}:${id}`;
  /** The requests that wait for an answer in a top-level session (a sorted set of kind:id by creation). */
  pendingUserRequests = (sessionId: string) => `${this.prefix}:sess:{${sessionId}}:pending`;
  /** Tools granted "always" in a top-level session (a set of tool names); expires. */
  permissionAlways = (sessionId: string) => `${this.prefix}:sess:{${sessionId}}:perm-always`;
  /** Answers to requests, from API instances to whichever worker waits; the channel's name predates notifications. */
  userRequestAnswersChannel = () => `${this.prefix}:permission-answers`;
  /** A stream token (by the SHA-256 of the token): the key it was minted with and its session; expires. */
  streamToken = (tokenHash: string) => `${this.prefix}:stream-token:${tokenHash}`;
  /** The MCP servers' last checks (a hash by server fingerprint), replaced by each background refresh; expires. */
  mcpServerChecks = () => `${this.prefix}:mcp:checks`;
  /**
   * BullMQ's own prefix; the run queue keeps its per-workspace counts under it too (runQueueKeys
   * below). BullMQ's scripts touch many keys of a queue at once, so on a cluster the prefix is a
   * hash tag and every queue of the deployment lives in one slot. One server keeps the name it
   * always had: a tagged prefix there would orphan the jobs queued before an upgrade.
   */
  queuePrefix = () => (this.options.cluster ? `{${this.prefix}}:bull` : `${this.prefix}:bull`);
  /**
   * The workspace's run slots (a sorted set of holders by lease expiry): at most its cap of runs
   * execute at once (runs/workspace-slots.ts). Workspace keys share the `{workspaceId}` hash tag.
   */
  workspaceRunSlots = (workspaceId: string) => `${this.prefix}:ws:{${workspaceId}}:slots`;
  /** The workspace's runs waiting for one of its slots (a sorted set of run ids, oldest first): the next woken when a slot frees. */
  workspaceRunsWaiting = (workspaceId: string) => `${this.prefix}:ws:{${workspaceId}}:waiting`;
}

/**
 * Keys the run queue keeps beside BullMQ's own, under its prefix: they describe the queue's jobs
 * and go with them.
 */
export const runQueueKeys = (queuePrefix: string) => ({
  /** A workspace's runs enqueued and not finished yet (a sorted set of run ids by enqueue time): how many sets its next run's priority. */
  workspacePending: (workspaceId: string) => `${queuePrefix}:ws:{${workspaceId}}:pending`,
});
