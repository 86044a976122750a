/**
 * Pending OAuth flows in Redis, so the callback can land on any API instance. A state is taken
 * in one atomic step that checks its owner first: exactly one callback of the workspace that
 * started the flow gets it, a replay finds nothing, and another workspace's callback leaves it
 * in place for its owner.
 */
import type { RedisClient } from "../redis/connection";
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

// KEYS: the state. ARGV: the caller's workspace id. Returns the flow (deleted), or nil when the
// state is unknown, expired, taken, or another workspace's (then it is left untouched).
const TAKE_SCRIPT = `
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
local ok, flow = pcall(cjson.decode, raw)
if not ok or type(flow) ~= 'table' or flow.workspaceId ~= ARGV[1] then return nil end
redis.call('DEL', KEYS[1])
return raw
`;

type RedisWithTake = RedisClient & { mixTakeOAuthState(key: string, workspaceId: string): Promise<string | null> };

export class OAuthStateStore {
  private readonly redis: RedisWithTake;

  constructor(
    redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {
    if (!("mixTakeOAuthState" in redis)) redis.defineCommand("mixTakeOAuthState", { numberOfKeys: 1, lua: TAKE_SCRIPT });
    this.redis = redis as RedisWithTake;
  }

  async save(state: string, flow: PendingFlow): Promise<void> {
    await this.redis.set(this.keys.oauthState(state), JSON.stringify(flow), "EX", OAUTH_STATE_TTL_SECONDS, "NX");
  }

  /**
   * The flow started by `workspaceId`, removed so no one can take it again; null when unknown,
   * expired, already taken, or started by another workspace (whose flow is left as it was).
   */
  async take(state: string, workspaceId: string): Promise<PendingFlow | null> {
    const raw = await this.redis.mixTakeOAuthState(this.keys.oauthState(state), workspaceId);
    if (raw === null) return null;
    return PendingFlow.parse(JSON.parse(raw));
  }
}
