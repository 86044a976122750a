/**
 * Every Redis key and channel in one place. Per-session keys share the `{sessionId}` hash tag,
 * so the Lua scripts that touch several of them stay valid on Redis Cluster.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** Next event id of a session. Never expires: ids must keep rising for the session's life. */
  eventSeq = (sessionId: string) => `${this.prefix}:sess:{${sessionId}}:seq`;
  /** The replay log (a Redis Stream), bounded and expiring. */
  eventLog = (sessionId: string) => `${this.prefix}:sess:{${sessionId}}:log`;
  /** Pub/sub channel of a session's live events. */
  eventChannel = (sessionId: string) => `${this.prefix}:events:${sessionId}`;
  /** Which run holds the session (one run per session at a time). */
  runLease = (sessionId: string) => `${this.prefix}:sess:{${sessionId}}:lease`;
  /** Set when a run is cancelled, so a worker that picks it up later still sees the decision. */
  runCancelled = (runId: string) => `${this.prefix}:run:${runId}:cancelled`;
  /** Control messages (cancel, ...) from API instances to workers. */
  controlChannel = () => `${this.prefix}:control`;
  /** Request counter of one rate-limit window (e.g. an API key's); expires with the window. */
  rateLimit = (scope: string) => `${this.prefix}:ratelimit:${scope}`;
  /** A pending OAuth flow (PKCE verifier, workspace, provider); expires, and is taken once with GETDEL. */
  oauthState = (state: string) => `${this.prefix}:oauth:state:${state}`;
  /** BullMQ's own prefix. */
  queuePrefix = () => `${this.prefix}:bull`;
}
