/**
 * What the tests' own Redis servers (one server, a cluster, a sentinel set-up) are made of:
 * free ports, `redis-server` children killed at once on close, and probes that wait until a
 * server answers. Never the shared Redis.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { waitFor } from "./wait-for";

/** Settings every test server starts with: loopback only, nothing written to disk. */
export const EPHEMERAL_REDIS_ARGS = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];

/** A port nothing listens on now (the OS's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function spawnRedisServer(args: string[]): ChildProcess {
  return spawn("redis-server", args, { stdio: "ignore" });
}

/** Kills the child at once (SIGKILL: everything in it is lost) and waits until it is gone. */
export async function killChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
}

/** A connection to the server on `port`, once it answers PING; the caller disconnects it. */
export async function probeWhenUp(port: number, what = `redis-server on port ${port}`): Promise<Redis> {
  const probe = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // Refused until the server listens: the wait below retries, nothing to report meanwhile.
  probe.on("error", () => undefined);
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
      { timeoutMs: 10_000, intervalMs: 50, what },
    );
  } catch (error) {
    probe.disconnect();
    throw error;
  }
  return probe;
}

/** Servers started together, their files in a temporary folder: `close` kills them all and removes it. */
export interface RedisProcessGroup {
  dir: string;
  spawn(args: string[]): ChildProcess;
  probe(port: number, what?: string): Promise<Redis>;
  close(): Promise<void>;
}

export async function startRedisProcessGroup(name: string): Promise<RedisProcessGroup> {
  const dir = await mkdtemp(join(tmpdir(), `mix-${name}-`));
  const children: ChildProcess[] = [];
  const probes: Redis[] = [];
  return {
    dir,
    spawn(args) {
      const child = spawnRedisServer(args);
      children.push(child);
      return child;
    },
    async probe(port, what) {
      const probe = await probeWhenUp(port, what);
      probes.push(probe);
      return probe;
    },
    async close() {
      for (const probe of probes.splice(0)) probe.disconnect();
      await Promise.all(children.map(killChild));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
