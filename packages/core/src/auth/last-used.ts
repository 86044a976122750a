/**
 * When each key was last used, to the minute: at most one write per key a minute from each
 * process (and none when another process wrote it within the minute), never one per request,
 * and never in the request's way.
 */
import type { Logger } from "../logging/logger";
import type { ApiKeyRecords } from "./api-key-records";

export const LAST_USED_RESOLUTION_MS = 60_000;
const MAX_TRACKED_KEYS = 10_000;

export class LastUsedRecorder {
  private readonly written = new Map<string, number>();

  constructor(
    private readonly records: ApiKeyRecords,
    private readonly logger: Logger,
  ) {}

  /** Notes a use of the key; writes lastUsedAt unless this process did within the minute. */
  touch(apiKeyId: string, now = Date.now()): void {
    const last = this.written.get(apiKeyId);
    if (last !== undefined && now - last < LAST_USED_RESOLUTION_MS) return;
    if (this.written.size >= MAX_TRACKED_KEYS) this.written.clear();
    this.written.set(apiKeyId, now);
    const since = new Date(now - LAST_USED_RESOLUTION_MS);
    this.records.touchLastUsed(apiKeyId, since, new Date(now)).catch((error: unknown) => {
      // Not worth failing a request for; the next use after the minute tries again.
      this.written.delete(apiKeyId);
      this.logger.warn({ err: error, apiKeyId }, "could not record an API key's last use");
    });
  }
}
