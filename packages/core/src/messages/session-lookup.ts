/**
 * What messages/ asks of sessions, as a port: sessions/ sits above messages/ (it shows their
 * counts and views), so messages/ names the one method it needs and SessionsService provides it.
 */
export interface SessionLookup {
  /** Resolves when the session belongs to the workspace; a 404 otherwise. */
  require(workspaceId: string, sessionId: string): Promise<unknown>;
}
