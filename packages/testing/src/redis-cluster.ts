/**
 * A Redis Cluster of a test's (or a test pass's) own: three masters on free ports, sharing the
 * 16384 slots, no replicas and no persistence, their files in a temporary folder removed on close.
 */
import { join } from "node:path";
import type { Redis } from "ioredis";
import { EPHEMERAL_REDIS_ARGS, freePort, startRedisProcessGroup } from "./redis-processes";
import { waitFor } from "./wait-for";

export interface OwnRedisCluster {
  /** The masters, as REDIS_CLUSTER_NODES takes them: "127.0.0.1:port,127.0.0.1:port,...". */
  nodes: string;
  ports: number[];
  close(): Promise<void>;
}

const SLOTS = 16_384;

export async function startOwnRedisCluster(masters = 3): Promise<OwnRedisCluster> {
  const group = await startRedisProcessGroup("redis-cluster");
  const { close } = group;
  try {
    const ports: number[] = [];
    // The cluster bus gets a free port of its own too: the default (port + 10000) may be taken or past 65535.
    const busPorts: number[] = [];
    const taken = new Set<number>();
    const take = async () => {
      let port = await freePort();
      while (taken.has(port)) port = await freePort();
      taken.add(port);
      return port;
    };
    for (let i = 0; i < masters; i++) ports.push(await take());
    for (let i = 0; i < masters; i++) busPorts.push(await take());
    ports.forEach((port, i) => group.spawn(nodeArgs(port, busPorts[i]!, group.dir)));
    const probes: Redis[] = [];
    for (const port of ports) probes.push(await group.probe(port, `redis-server (cluster node) on port ${port}`));
    // Each master takes an equal range of slots, then the first one introduces the others.
    await Promise.all(
      probes.map((probe, i) => {
        const from = Math.floor((SLOTS * i) / masters);
        const to = Math.floor((SLOTS * (i + 1)) / masters) - 1;
        return probe.call("CLUSTER", "ADDSLOTSRANGE", from, to);
      }),
    );
    for (let i = 1; i < masters; i++) await probes[0]!.call("CLUSTER", "MEET", "127.0.0.1", ports[i]!, busPorts[i]!);
    await waitFor(async () => (await Promise.all(probes.map((probe) => ready(probe, masters)))).every(Boolean), {
      timeoutMs: 20_000,
      intervalMs: 50,
      what: `a Redis Cluster of ${masters} masters`,
    });
    return { nodes: ports.map((port) => `127.0.0.1:${port}`).join(","), ports, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function nodeArgs(port: number, busPort: number, dir: string): string[] {
  const args = ["--port", String(port), ...EPHEMERAL_REDIS_ARGS, "--dir", dir];
  args.push("--cluster-enabled", "yes", "--cluster-port", String(busPort), "--cluster-config-file", join(dir, `nodes-${port}.conf`));
  args.push("--cluster-node-timeout", "5000");
  return args;
}

/** The node sees the whole cluster: every slot served and every master known. */
async function ready(probe: Redis, masters: number): Promise<boolean> {
  const info = String(await probe.call("CLUSTER", "INFO"));
  if (!info.includes("cluster_state:ok")) return false;
  const known = String(await probe.call("CLUSTER", "NODES"))
    .split("\n")
    .filter((line) => line.includes("master") && !line.includes("fail")).length;
  return known === masters;
}
