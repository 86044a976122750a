/**
 * Pending OAuth flows in Redis, so the callback can land on any API instance. A state is taken
 * with GETDEL: exactly one callback gets it, and a replay finds nothing.
 */
import type { Redis } from "ioredis";
import { z } from "zod";
import type { RedisKeys } from "../redis/keys";

export const OAUTH_STATE_TTL_SECONDS = 600;

const PendingFlow = z.object({
  workspaceId: z.string(),
  provider: z.string(),
  codeVerifier: z.string(),
  redirectUri: z.string(),
});
export type PendingFlow = z.infer<typeof PendingFlow>;

export class OAuthStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async save(state: string, flow: PendingFlow): Promise<void> {
    await this.redis.set(this.keys.oauthState(state), JSON.stringify(flow), "EX", OAUTH_STATE_TTL_SECONDS, "NX");
  }

  /** The flow, removed so no one can take it again; null when unknown, expired or already taken. */
  async take(state: string): Promise<PendingFlow | null> {
    const raw = await this.redis.getdel(this.keys.oauthState(state));
    if (raw === null) return null;
    return PendingFlow.parse(JSON.parse(raw));
  }
}
