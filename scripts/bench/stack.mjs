// The bench's stack: database, Redis prefix, API on a free port, run worker, all in this
// process. Every resource registers its cleanup as soon as it exists, so a failure half-way
// still releases what was started.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { benchEnv } from "./options.mjs";

const require = createRequire(import.meta.url);
/** The built packages the bench runs, relative to the repository root. */
const DIST = {
  api: "apps/api/dist/app.js",
  core: "packages/core/dist/index.js",
  testing: "packages/testing/dist/index.js",
  db: "packages/db/dist/index.js",
};
const ROOT = new URL("../../", import.meta.url);
const CLEANUP_STEP_TIMEOUT_MS = 15_000;

/** @mix/testing's build, for the SSE frame parser the tests use too. */
export const testingDist = () => require(fileURLToPath(new URL(DIST.testing, ROOT)));

function loadDist() {
  const load = (path) => {
    const url = new URL(path, ROOT);
    if (!existsSync(url)) throw new Error(`${path} is missing: run \`pnpm build\` at the repository root first`);
    return require(fileURLToPath(url));
  };
  return { api: load(DIST.api), core: load(DIST.core), testing: load(DIST.testing), db: load(DIST.db) };
}

/** The throwaway database and Redis prefix and the stack's environment (both modes start from these). */
export async function prepareStack(options, cleanups) {
  const dist = loadDist();
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const prefix = `bench:${randomBytes(4).toString("hex")}`;

  const database = await dist.testing.createTestDatabase("bench");
  cleanups.push(["drop database", () => database.drop()]);
  cleanups.push(["delete Redis keys", () => dist.testing.deleteRedisPrefix(prefix, redisUrl)]);

  const env = benchEnv(options, database, prefix, redisUrl);
  return { dist, env, config: dist.core.loadConfig(env) };
}

export async function startStack(options, cleanups) {
  const {
    dist: { api: apiDist, core },
    config,
  } = await prepareStack(options, cleanups);
  const api = await apiDist.createApiApp(config);
  cleanups.push(["close API", () => api.close()]);
  await api.app.listen(0, "127.0.0.1");
  const { port } = api.app.getHttpServer().address();

  const worker = await core.startRunWorker(config, core.createLogger("bench-worker", config.LOG_LEVEL));
  cleanups.push(["close worker", () => worker.close()]);

  const baseUrl = `http://127.0.0.1:${port}`;
  /** A new workspace and the client of its key ({ baseUrl, apiKey }, what http.mjs takes). */
  const workspace = async (name) => {
    const { apiKey, workspaceId } = await api.services.apiKeys.createWorkspace(name);
    // No tool asks permission in the bench's workspaces: nobody is there to answer.
    await api.services.permissions.setPolicy(workspaceId, { tools: [] });
    return { baseUrl, apiKey };
  };
  return { ...(await workspace("bench")), config, workspace };
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs the registered cleanups, last first, each bounded in time; a failing one is reported and skipped. */
export async function cleanUp(cleanups) {
  for (const [what, step] of cleanups.reverse()) {
    try {
      await withTimeout(Promise.resolve().then(step), CLEANUP_STEP_TIMEOUT_MS, what);
    } catch (error) {
      console.error(`cleanup: could not ${what}: ${error.message}`);
    }
  }
}
