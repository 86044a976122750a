/** The Redis Cluster and Sentinel settings, part of the one Config schema (REDIS_URL and REDIS_PREFIX stay in config.ts). */
import { z } from "zod";

/** A Redis Cluster to connect to: its seed nodes and what every node is reached with. */
export interface RedisClusterNodes {
  /** Seed nodes: ioredis learns the others (and the slot map) from the first that answers. */
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  /** TLS to every node (the entries were rediss:// URLs). */
  tls: boolean;
}

type Parsed = RedisClusterNodes | { error: string };

/**
 * Parses "host:port,host:port" or "redis://[user:pass@]host:port,..." (rediss:// for TLS; bare and
 * URL entries may be mixed). Credentials and TLS hold for the whole cluster, so entries that name
 * them must agree.
 */
export function parseRedisClusterNodes(value: string): Parsed {
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) return { error: "lists no node; expected host:port,host:port or redis://host:port,..." };
  const cluster: RedisClusterNodes = { nodes: [], tls: false };
  const schemes = new Set<string>();
  for (const entry of entries) {
    const node = parseEntry(entry);
    if ("error" in node) return node;
    cluster.nodes.push({ host: node.host, port: node.port });
    if (node.scheme) schemes.add(node.scheme);
    for (const field of ["username", "password"] as const) {
      const given = node[field];
      if (given === undefined) continue;
      if (cluster[field] !== undefined && cluster[field] !== given)
        return { error: `entries disagree on the ${field}; every node of a cluster takes the same` };
      cluster[field] = given;
    }
  }
  if (schemes.size > 1) return { error: "mixes redis:// and rediss:// entries; TLS is all or nothing" };
  cluster.tls = schemes.has("rediss");
  return cluster;
}

interface Entry {
  host: string;
  port: number;
  scheme?: "redis" | "rediss";
  username?: string;
  password?: string;
}

function parseEntry(entry: string): Entry | { error: string } {
  const invalid = { error: `has an invalid entry "${entry.replace(/\/\/[^@/]*@/, "//***@")}"; expected host:port or redis[s]://[user:password@]host:port` };
  if (entry.includes("://")) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return invalid;
    }
    const scheme = url.protocol.slice(0, -1);
    if ((scheme !== "redis" && scheme !== "rediss") || !url.hostname || !url.port || (url.pathname !== "" && url.pathname !== "/")) return invalid;
    const port = Number(url.port);
    return {
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port,
      scheme,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    };
  }
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(entry);
  if (!match) return invalid;
  const port = Number(match[2]);
  if (port < 1 || port > 65_535) return invalid;
  return { host: match[1]!.replace(/^\[|\]$/g, ""), port };
}

/** Sentinels to ask for the master of a Redis Sentinel deployment; the credentials are the sentinels' own. */
export type RedisSentinels = RedisClusterNodes;

/** A list of nodes as a setting: unset when empty, a startup error naming the variable when malformed. */
const nodeList = () =>
  z
    .string()
    .optional()
    .transform((value, context): RedisClusterNodes | undefined => {
      if (value === undefined || value.trim() === "") return undefined;
      const parsed = parseRedisClusterNodes(value);
      if (!("error" in parsed)) return parsed;
      context.addIssue({ code: "custom", message: parsed.error });
      return z.NEVER;
    });

export const REDIS_SETTINGS = {
  /**
   * Seed nodes of a Redis Cluster, comma-separated (host:port or redis[s]:// URLs); set, every
   * connection of every process is a cluster client and REDIS_URL is not used. Unset: REDIS_URL.
   */
  REDIS_CLUSTER_NODES: nodeList(),
  /**
   * Redis Sentinel instead of a fixed server: the sentinels, comma-separated (host:port, or
   * redis://:password@host:port when they require one). The master is the one they name
   * REDIS_SENTINEL_MASTER; its password, database and TLS come from REDIS_URL (whose host is then
   * not used). Not together with REDIS_CLUSTER_NODES.
   */
  REDIS_SENTINELS: nodeList(),
  REDIS_SENTINEL_MASTER: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, "letters, digits, '.', '_' or '-' only")
    .default("mymaster"),
};

/** The one check across settings: a deployment is a cluster or a Sentinel setup, not both. */
export function redisSettingsProblem(config: { REDIS_CLUSTER_NODES?: unknown; REDIS_SENTINELS?: unknown }): string | null {
  return config.REDIS_CLUSTER_NODES && config.REDIS_SENTINELS ? "REDIS_CLUSTER_NODES and REDIS_SENTINELS are both set; a deployment uses one of them" : null;
}
