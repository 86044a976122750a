/**
 * Real worker processes for one test file: its own database, Redis prefix and storage folder,
 * the API's services and infrastructure to send messages and read runs with, and workers started and killed at will.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { createLogger, loadConfig, openApplication, type ApplicationServices, type Infrastructure } from "@mix/core";
import { createStorageDir, createTestDatabase, deleteRedisPrefix, testRedisEnv, testRedisPrefix } from "@mix/testing";

export interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Everything it printed so far. */
  output(): string;
}

export interface WorkerFixture {
  services: ApplicationServices;
  /** The file's database and Redis, to set up and read what the services do not show. */
  infrastructure: Infrastructure;
  env: Record<string, string>;
  storage: string;
  /** Starts `apps/worker/dist/main.js` with the file's settings, `overrides` on top. */
  startWorker(overrides?: Record<string, string>): WorkerProcess;
  runStatus(runId: string): Promise<string>;
  close(): Promise<void>;
}

export async function createWorkerFixture(label: string, settings: Record<string, string>): Promise<WorkerFixture> {
  const prefix = testRedisPrefix(label);
  const database = await createTestDatabase(label.replaceAll("-", ""));
  const storage = await createStorageDir(label);
  const env = {
    DATABASE_URL: database.url,
    // REDIS_CLUSTER_NODES too on the cluster pass (the worker processes inherit it as well).
    ...testRedisEnv(),
    REDIS_PREFIX: prefix,
    STORAGE_DIR: storage,
    LOG_LEVEL: "warn",
    SCRIPTED_REASONING_DELTAS: "0",
    RUN_BUSY_RETRY_MS: "50",
    ...settings,
  };
  const { services, infrastructure, close } = openApplication(loadConfig(env), createLogger("test", "silent"));
  return {
    services,
    infrastructure,
    env,
    storage,
    startWorker(overrides = {}) {
      let output = "";
      const child = spawn(process.execPath, [join(__dirname, "..", "..", "dist", "main.js")], { env: { ...process.env, ...env, ...overrides }, stdio: "pipe" });
      child.stdout!.on("data", (chunk) => (output += chunk));
      child.stderr!.on("data", (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      return { child, exited, output: () => output };
    },
    runStatus: async (runId) => (await infrastructure.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status,
    async close() {
      await close();
      await deleteRedisPrefix(prefix);
      await database.drop();
      await rm(storage, { recursive: true, force: true });
    },
  };
}
