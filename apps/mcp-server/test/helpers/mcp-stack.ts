/**
 * A real stack for one test file: its own database and Redis prefix, N MCP HTTP instances on
 * free ports (each with its own application, as separate processes would have), and a run
 * worker in-process on the scripted model. A test reaches into the stores through an
 * instance's infrastructure; the server itself only ever gets the services.
 */
import {
  createLogger,
  loadConfig,
  openApplication,
  startRunWorker,
  type Application,
  type ApplicationServices,
  type Config,
  type Infrastructure,
  type RunWorker,
} from "@mix/core";
import { createIsolatedTestEnv, deleteRedisPrefix } from "@mix/testing";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startMcpHttpServer, type McpHttpServer } from "../../src/http";

export interface McpInstance {
  url: string;
  http: McpHttpServer;
  services: ApplicationServices;
  infrastructure: Infrastructure;
  close: Application["close"];
}

export interface McpStack {
  config: Config;
  env: Record<string, string>;
  instances: McpInstance[];
  key: string;
  otherKey: string;
  close(): Promise<void>;
}

export interface McpStackOptions {
  label: string;
  instances?: number;
  /** 0 leaves messages queued forever (to test waiting that runs out). */
  workers?: number;
  /** Overrides of the stack's environment (another model, slower streaming). */
  env?: Record<string, string>;
}

export async function startMcpStack({ label, instances = 1, workers = 1, env: overrides = {} }: McpStackOptions): Promise<McpStack> {
  // A little pace, so progress notifications arrive one by one.
  const { database, prefix, env } = await createIsolatedTestEnv(label, { SCRIPTED_DELAY_MS: "5", ...overrides });
  const config = loadConfig(env);
  const logger = createLogger("test-mcp", "warn");
  const started: McpInstance[] = [];
  for (let i = 0; i < instances; i++) {
    const { services, infrastructure, close } = openApplication(config, logger);
    const http = await startMcpHttpServer(services, logger, { port: 0, host: "127.0.0.1" });
    started.push({ url: http.url, http, services, infrastructure, close });
  }
  const keys = started[0]!.services.apiKeys;
  const key = (await keys.createWorkspace(`${label}-a`)).apiKey;
  const otherKey = (await keys.createWorkspace(`${label}-b`)).apiKey;
  const runWorkers: RunWorker[] = [];
  for (let i = 0; i < workers; i++) runWorkers.push(await startRunWorker(config, createLogger("test-worker", "warn")));

  return {
    config,
    env,
    instances: started,
    key,
    otherKey,
    async close() {
      await Promise.all(runWorkers.map((worker) => worker.close()));
      for (const instance of started) {
        await instance.http.close();
        await instance.close();
      }
      await deleteRedisPrefix(prefix);
      await database.drop();
    },
  };
}

/** An MCP client connected over Streamable HTTP with the given API key. */
export async function connectClient(url: string, key: string): Promise<Client> {
  const client = new Client({ name: "mix-test-client", version: "0.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${key}` } } });
  await client.connect(transport);
  return client;
}

/** The text of a tool result's first content block. */
export function resultText(result: object): string {
  const [first] = ((result as { content?: unknown }).content ?? []) as { type: string; text?: string }[];
  return first?.type === "text" ? (first.text ?? "") : "";
}
