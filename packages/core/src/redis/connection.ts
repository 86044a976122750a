/** ioredis connections. Subscribers and BullMQ workers need their own connection each. */
import { Redis, type RedisOptions } from "ioredis";

export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { lazyConnect: false, enableAutoPipelining: true, ...options });
}

/** BullMQ requires blocking connections never to give up on a command. */
export function createBullConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: false });
}
