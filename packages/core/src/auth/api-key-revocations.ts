/**
 * Revoked keys and deleted workspaces, announced over Redis pub/sub so every process that caches
 * keys (each API instance, the MCP server) drops them at once rather than when its cache expires.
 */
import type { RedisClient } from "../redis/connection";
import { z } from "zod";
import type { Logger } from "../logging/logger";
import type { RedisKeys } from "../redis/keys";

export const Revocation = z.union([z.strictObject({ apiKeyId: z.string() }), z.strictObject({ workspaceId: z.string() })]);
export type Revocation = z.infer<typeof Revocation>;

/** What a listener is told: one revocation, or that some may have been missed (the connection dropped). */
export type RevocationNotice = Revocation | { missed: true };

/** Derived from the deployment's prefix like every other key (see RedisKeys). */
export const apiKeyRevocationsChannel = (keys: RedisKeys) => `${keys.prefix}:apikey-revocations`;

export class ApiKeyRevocations {
  private readonly channel: string;
  private readonly listeners = new Set<(notice: RevocationNotice) => void>();
  private subscribed = false;

  constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    keys: RedisKeys,
    private readonly logger: Logger,
  ) {
    this.channel = apiKeyRevocationsChannel(keys);
    subscriber.on("message", (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
    // Nothing is delivered while the connection is down: stop trusting what was cached.
    subscriber.on("close", () => {
      if (!this.subscribed) return;
      this.subscribed = false;
      this.notify({ missed: true });
    });
    subscriber.on("ready", () => this.subscribe());
    this.subscribe();
  }

  /** True while revocations are heard; only then may a process keep keys in memory. */
  get listening(): boolean {
    return this.subscribed;
  }

  onNotice(listener: (notice: RevocationNotice) => void): void {
    this.listeners.add(listener);
  }

  async publish(revocation: Revocation): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(revocation));
  }

  private subscribe(): void {
    this.subscriber.subscribe(this.channel).then(
      () => {
        if (this.subscribed) return;
        // Revocations published while we were not listening are unknown: start from an empty cache.
        this.notify({ missed: true });
        this.subscribed = true;
      },
      (error: unknown) => this.logger.warn({ err: error, channel: this.channel }, "could not subscribe to API key revocations; keys are not cached meanwhile"),
    );
  }

  private receive(message: string): void {
    let revocation: Revocation;
    try {
      revocation = Revocation.parse(JSON.parse(message));
    } catch (error) {
      this.logger.error({ err: error, channel: this.channel }, "undecodable API key revocation; dropping every cached key");
      this.notify({ missed: true });
      return;
    }
    this.notify(revocation);
  }

  private notify(notice: RevocationNotice): void {
    for (const listener of this.listeners) listener(notice);
  }
}
