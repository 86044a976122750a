/** REDIS_CLUSTER_NODES: the forms it takes, and the startup error a malformed list gives. */
import { ConfigError, loadConfig } from "./config";
import { parseRedisClusterNodes } from "./redis-settings";

const minimal = { DATABASE_URL: "postgresql://u@localhost:5432/db" };

it("is unset unless given: the one server of REDIS_URL", () => {
  expect(loadConfig(minimal).REDIS_CLUSTER_NODES).toBeUndefined();
  expect(loadConfig({ ...minimal, REDIS_CLUSTER_NODES: "" }).REDIS_CLUSTER_NODES).toBeUndefined();
});

it("takes host:port entries, spaces and IPv6 brackets allowed", () => {
  expect(loadConfig({ ...minimal, REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis-b:7001 ,[::1]:7002" }).REDIS_CLUSTER_NODES).toEqual({
    nodes: [
      { host: "10.0.0.1", port: 7000 },
      { host: "redis-b", port: 7001 },
      { host: "::1", port: 7002 },
    ],
    tls: false,
  });
});

it("takes redis:// and rediss:// URLs, their credentials and TLS holding for the whole cluster", () => {
  expect(parseRedisClusterNodes("rediss://app:s%40cret@a:6380,b:6380")).toEqual({
    nodes: [
      { host: "a", port: 6380 },
      { host: "b", port: 6380 },
    ],
    username: "app",
    password: "s@cret",
    tls: true,
  });
  expect(parseRedisClusterNodes("redis://:pw@a:6379,redis://:pw@b:6379")).toMatchObject({ password: "pw", tls: false });
});

it.each([
  ["a list of no node", ",", /lists no node/],
  ["an entry without a port", "a:7000,b", /invalid entry "b"/],
  ["a port out of range", "a:70000", /invalid entry "a:70000"/],
  ["another scheme", "http://a:7000", /invalid entry/],
  ["a database path (a cluster has one database)", "redis://a:7000/2", /invalid entry/],
  ["TLS for some nodes only", "rediss://a:7000,redis://b:7000", /TLS is all or nothing/],
  ["two passwords", "redis://:one@a:7000,redis://:two@b:7000", /disagree on the password/],
])("stops the process at startup on %s, naming the variable", (_, value, message) => {
  const attempt = () => loadConfig({ ...minimal, REDIS_CLUSTER_NODES: value });
  expect(attempt).toThrow(ConfigError);
  expect(attempt).toThrow(/REDIS_CLUSTER_NODES: /);
  expect(attempt).toThrow(message);
});

it("never echoes a password in its error", () => {
  expect(() => loadConfig({ ...minimal, REDIS_CLUSTER_NODES: "redis://:hunter2@a" })).toThrow(/invalid entry "redis:\/\/\*\*\*@a"/);
  expect(() => loadConfig({ ...minimal, REDIS_CLUSTER_NODES: "redis://:hunter2@a" })).not.toThrow(/hunter2/);
});

it("takes sentinels the same way, with the master's name (default mymaster)", () => {
  const config = loadConfig({ ...minimal, REDIS_SENTINELS: "redis://:sentinel-pw@s1:26379,s2:26379" });
  expect(config.REDIS_SENTINELS).toEqual({
    nodes: [
      { host: "s1", port: 26379 },
      { host: "s2", port: 26379 },
    ],
    password: "sentinel-pw",
    tls: false,
  });
  expect(config.REDIS_SENTINEL_MASTER).toBe("mymaster");
  expect(() => loadConfig({ ...minimal, REDIS_SENTINELS: "s1" })).toThrow(/REDIS_SENTINELS: has an invalid entry "s1"/);
  expect(() => loadConfig({ ...minimal, REDIS_SENTINEL_MASTER: "has space" })).toThrow(/REDIS_SENTINEL_MASTER: /);
});
