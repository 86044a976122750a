/**
 * A redis-server of a test's own, on a port of its own, that the test can kill and start again
 * empty (no persistence), as after a failover to an empty replica. Never the shared Redis.
 */
import type { ChildProcess } from "node:child_process";
import { EPHEMERAL_REDIS_ARGS, freePort, killChild, probeWhenUp, spawnRedisServer } from "./redis-processes";

export interface OwnRedisServer {
  url: string;
  port: number;
  /** Kills the server at once (SIGKILL): everything in it is lost. */
  stop(): Promise<void>;
  /** Starts it again, empty, on the same port, and waits until it answers. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startOwnRedisServer(): Promise<OwnRedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawnRedisServer(["--port", String(port), ...EPHEMERAL_REDIS_ARGS]);
    (await probeWhenUp(port)).disconnect();
  };
  const stop = () => killChild(child);
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start, close: stop };
}
