/**
 * A real stack for one test file: its own database and Redis prefix, N API instances listening
 * on free ports, and a run worker in-process, all on the scripted model.
 */
import type { AddressInfo } from "node:net";
import { createLogger, loadConfig, startRunWorker, type Config, type RunWorker } from "@mix/core";
import { createIsolatedTestEnv, deleteRedisPrefix } from "@mix/testing";
import { createApiApp, type ApiApp } from "../../src/app";

export interface TestApi {
  url: string;
  api: ApiApp;
}

export interface TestStack {
  config: Config;
  /** The raw environment the stack was configured from (to derive variants of it). */
  env: Record<string, string>;
  apis: TestApi[];
  /** A workspace's key, and a second workspace's key for isolation tests. */
  key: string;
  otherKey: string;
  workers: RunWorker[];
  startWorker(overrides?: Record<string, string>): Promise<RunWorker>;
  close(): Promise<void>;
}

export interface TestStackOptions {
  label: string;
  apiInstances?: number;
  workers?: number;
  env?: Record<string, string>;
}

export async function startTestStack({ label, apiInstances = 1, workers = 1, env = {} }: TestStackOptions): Promise<TestStack> {
  const { database, prefix, env: baseEnv } = await createIsolatedTestEnv(label, env);
  const config = loadConfig(baseEnv);
  const apis: TestApi[] = [];
  for (let i = 0; i < apiInstances; i++) {
    const api = await createApiApp(config);
    await api.app.listen(0, "127.0.0.1");
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    apis.push({ url: `http://127.0.0.1:${port}`, api });
  }
  const keys = apis[0]!.api.services.apiKeys;
  const key = (await keys.createWorkspace(`${label}-a`)).apiKey;
  const otherKey = (await keys.createWorkspace(`${label}-b`)).apiKey;

  const runWorkers: RunWorker[] = [];
  const startWorker = async (overrides: Record<string, string> = {}) => {
    const worker = await startRunWorker(loadConfig({ ...baseEnv, ...overrides }), createLogger("test-worker", "warn"));
    runWorkers.push(worker);
    return worker;
  };
  for (let i = 0; i < workers; i++) await startWorker();

  return {
    config,
    env: baseEnv,
    apis,
    key,
    otherKey,
    workers: runWorkers,
    startWorker,
    async close() {
      await Promise.all(runWorkers.map((worker) => worker.close()));
      await Promise.all(apis.map(({ api }) => api.close()));
      await deleteRedisPrefix(prefix);
      await database.drop();
    },
  };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
