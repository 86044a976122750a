/**
 * A redis-server of a test's own, on a port of its own, that the test can kill and start again
 * empty (no persistence), as after a failover to an empty replica. Never the shared Redis.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { waitFor } from "./wait-for";

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
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const probe = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await waitFor(
        () =>
          probe
            .connect()
            .then(() => probe.ping())
            .then(
              (pong) => pong === "PONG",
              () => false,
            ),
        { timeoutMs: 10_000, intervalMs: 50, what: `redis-server on port ${port}` },
      );
    } finally {
      probe.disconnect();
    }
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start, close: stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
