/**
 * A Redis Sentinel setup of a test's own: a master, one replica and one sentinel watching them
 * (quorum 1), on free ports, no persistence, files in a temporary folder removed on close. The
 * test can ask the sentinel to fail over: the replica becomes the master.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EPHEMERAL_REDIS_ARGS, freePort, startRedisProcessGroup } from "./redis-processes";
import { waitFor } from "./wait-for";

export interface OwnRedisSentinel {
  /** The sentinel, as REDIS_SENTINELS takes it: "127.0.0.1:port". */
  sentinels: string;
  /** The name the sentinel knows the master by (REDIS_SENTINEL_MASTER). */
  master: string;
  /** The port of the server that is the master now. */
  masterPort(): Promise<number>;
  /** Makes the replica the master and waits until the sentinel says so. */
  failover(): Promise<void>;
  close(): Promise<void>;
}

const MASTER = "mix-test-master";

export async function startOwnRedisSentinel(): Promise<OwnRedisSentinel> {
  const group = await startRedisProcessGroup("redis-sentinel");
  const { dir, close } = group;
  try {
    const [masterPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()];
    const common = [...EPHEMERAL_REDIS_ARGS, "--dir", dir];
    group.spawn(["--port", String(masterPort), ...common]);
    group.spawn(["--port", String(replicaPort), ...common, "--replicaof", "127.0.0.1", String(masterPort)]);
    const [, replica] = await Promise.all([group.probe(masterPort), group.probe(replicaPort)]);
    const conf = join(dir, "sentinel.conf");
    const settings = ["down-after-milliseconds 1000", "failover-timeout 5000", "parallel-syncs 1"].map(
      (line) => `sentinel ${line.replace(" ", ` ${MASTER} `)}`,
    );
    await writeFile(
      conf,
      [`port ${sentinelPort}`, "bind 127.0.0.1", `dir ${dir}`, `sentinel monitor ${MASTER} 127.0.0.1 ${masterPort} 1`, ...settings, ""].join("\n"),
    );
    group.spawn([conf, "--sentinel"]);
    const sentinel = await group.probe(sentinelPort);
    const masterPortNow = async () => Number(((await sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)) as string[] | null)?.[1] ?? 0);
    // The replica has synced and the sentinel has found it: a failover can then pick it.
    await waitFor(async () => String(await replica.info("replication")).includes("master_link_status:up"), { timeoutMs: 10_000, what: "the replica in sync" });
    await waitFor(async () => ((await sentinel.call("SENTINEL", "REPLICAS", MASTER)) as unknown[]).length === 1, {
      timeoutMs: 10_000,
      what: "the sentinel seeing the replica",
    });
    return {
      sentinels: `127.0.0.1:${sentinelPort}`,
      master: MASTER,
      masterPort: masterPortNow,
      async failover() {
        const before = await masterPortNow();
        await sentinel.call("SENTINEL", "FAILOVER", MASTER);
        await waitFor(async () => (await masterPortNow()) !== before, { timeoutMs: 15_000, what: "the sentinel's failover" });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
