// The pipeline's test files once more, on a Redis Cluster of their own: three masters started
// here (packages/testing's startOwnRedisCluster), REDIS_CLUSTER_NODES set, so every connection
// of every stack is a cluster client. A script or transaction whose keys span slots, a SCAN that
// sees one node only, or pub/sub that does not cross nodes fails here and not on one server.
// jest's counts reach the suite's summary through JEST_SUMMARY_DIR, like the main run's.
// Run after a build (packages/testing/dist, apps/worker/dist): node scripts/lib/cluster-pass.mjs
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Per package, the files that exercise Redis on the run path: events, queues, answers, leases, slots, limits, revocations. */
export const CLUSTER_TEST_FILES = {
  "packages/core": [
    "src/events/event-log.spec.ts",
    "src/events/event-ids.spec.ts",
    "src/events/session-event-stream.spec.ts",
    "src/follow/run-follower.spec.ts",
    "src/queues/run-queue.spec.ts",
    "src/permissions/permission-gate.spec.ts",
    "src/notifications/notification-gate.spec.ts",
    "src/runs/workspace-slots.spec.ts",
    "src/runs/run-lease.spec.ts",
    "src/runs/run-recovery.spec.ts",
    "src/rate-limit/token-bucket.spec.ts",
    "src/auth/api-key-revocations.spec.ts",
    "src/mcp-servers/mcp-status.spec.ts",
  ],
  "apps/api": [
    "test/pipeline.e2e-spec.ts",
    "test/multi-instance.e2e-spec.ts",
    "test/agent-loop.e2e-spec.ts",
    "test/agent-permissions.e2e-spec.ts",
    "test/agent-cancel.e2e-spec.ts",
    "test/notifications.e2e-spec.ts",
    "test/stream-lifecycle.e2e-spec.ts",
    "test/chat.e2e-spec.ts",
    "test/fair-scheduling.e2e-spec.ts",
    "test/key-revocation.e2e-spec.ts",
  ],
  "apps/worker": ["test/recovery.e2e-spec.ts", "test/workspace-cap.e2e-spec.ts"],
};

function jest(dir, files, env) {
  return new Promise((resolve) => {
    const child = spawn("pnpm", ["exec", "jest", "--runTestsByPath", ...files], { cwd: join(ROOT, dir), env, stdio: "inherit" });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  const harness = join(ROOT, "packages/testing/dist/redis-cluster.js");
  if (!existsSync(harness)) {
    console.error("Cluster pass: packages/testing is not built (pnpm turbo run build)");
    return 1;
  }
  const { startOwnRedisCluster } = createRequire(import.meta.url)(harness);
  const started = Date.now();
  const cluster = await startOwnRedisCluster();
  console.log(`\nCluster pass: Redis Cluster of 3 masters at ${cluster.nodes}`);
  const stop = () => cluster.close().finally(() => process.exit(130));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  let status = 0;
  try {
    const env = { ...process.env, REDIS_CLUSTER_NODES: cluster.nodes };
    for (const [dir, files] of Object.entries(CLUSTER_TEST_FILES)) {
      console.log(`\nCluster pass: ${dir} (${files.length} files)`);
      if ((await jest(dir, files, env)) !== 0) status = 1;
    }
  } finally {
    await cluster.close();
  }
  console.log(`\nCluster pass ${status === 0 ? "passed" : "FAILED"} in ${Math.round((Date.now() - started) / 1000)} s`);
  return status;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(await main());
