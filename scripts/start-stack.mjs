// Runs the local stack as plain Node processes: migrates the database, starts the API, a
// worker and the MCP server, waits until the API is healthy, plays a short demo conversation on the scripted model
// (printing every streamed event), then keeps the stack running until Ctrl-C.
//
//   node scripts/start-stack.mjs [--no-demo]
//
// Settings come from the environment (scripts/start.sh loads .env); defaults suit a local
// Postgres and Redis. Expects a built workspace (pnpm build).
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureLocalEncryptionKey } from "./lib/ensure-local-key.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const env = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/mix",
  REDIS_URL: "redis://127.0.0.1:6379",
  PORT: "8088",
  MIX_API_KEY: "mix_local_demo_key_change_me",
  LOG_LEVEL: "warn",
  ...process.env,
};
// Storing a provider key needs an encryption key: make one in .env unless one is set (.env was read already).
const localKey = ensureLocalEncryptionKey({ envFile: join(root, ".env"), env });
if (localKey.created) {
  env.CREDENTIALS_ENCRYPTION_KEY = localKey.key;
  log("No CREDENTIALS_ENCRYPTION_KEY was set: generated one into .env (keep it; stored provider keys need it)");
}
const baseUrl = `http://127.0.0.1:${env.PORT}`;
const children = [];

function log(message) {
  process.stdout.write(`\x1b[1;34m==>\x1b[0m ${message}\n`);
}

/**
 * Runs the worker's own sandbox check (a real command in bubblewrap) before the worker starts.
 * Where bubblewrap cannot run (not installed, no user namespaces), this single-workspace local
 * stack falls back to unconfined commands and says so; a deployment never does that by itself.
 */
/** Says whether the agent's browser tools can run here (the set-up installs Debian's chromium where it can). */
function reportBrowser() {
  const executable = env.BROWSER_EXECUTABLE ?? "chromium";
  const found = spawnSync("sh", ["-c", `command -v ${JSON.stringify(executable)}`], { encoding: "utf8" }).stdout.trim();
  if (found) log(`Browser: ${found} for the agent's browser_* tools (a workspace turns them on with sandbox egress: PUT /api/sandbox)`);
  else log(`Browser: ${executable} is not installed, so the agent's browser_* tools answer that no browser is available`);
}

async function chooseSandbox() {
  if (env.SANDBOX_DRIVER === "none") {
    log("Sandbox: none (SANDBOX_DRIVER=none): agent commands run unconfined on this machine");
    return;
  }
  const core = require(join(root, "packages/core/dist/index.js"));
  const config = core.loadConfig(env);
  mkdirSync(resolve(root, config.STORAGE_DIR), { recursive: true });
  const sandbox = core.createSandbox({ ...config, STORAGE_DIR: resolve(root, config.STORAGE_DIR) }, core.createLogger("start", "silent"));
  try {
    await sandbox.start();
    log(
      "Sandbox: bubblewrap. Each agent command runs in its own namespaces, sees only its session folder (as /workspace) " +
        "and read-only system folders, and runs as an unprivileged user, with resource limits and no network",
    );
  } catch (error) {
    env.SANDBOX_DRIVER = "none";
    log(`Sandbox: bubblewrap cannot run here (${error.message.split("\n")[0]})`);
    log(
      "Sandbox: falling back to SANDBOX_DRIVER=none for this local single-workspace stack: agent commands run UNCONFINED " +
        "as your user. Install bubblewrap (apt-get install bubblewrap) and allow user namespaces to confine them.",
    );
  } finally {
    await sandbox.close();
  }
}

function migrate() {
  log(`Migrating ${env.DATABASE_URL.replace(/\/\/[^@]*@/, "//")}`);
  const result = spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", join(root, "packages/db/dist/migrate-cli.js"), "--create-database"], {
    env,
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("migration failed");
}

/** Starts an app, prefixing each line of its output with its name. */
function startApp(name, entry) {
  const child = spawn(process.execPath, [join(root, entry)], { env, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = (stream, target) => {
    let pending = "";
    stream.on("data", (chunk) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop();
      for (const line of lines) target.write(`[${name}] ${line}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on("exit", (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the stack`);
      stop(1);
    }
  });
  children.push(child);
}

async function waitForHealth(timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the API did not become healthy at ${baseUrl} within ${timeoutMs / 1000} s`);
}

async function api(path, init = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${env.MIX_API_KEY}`, "Content-Type": "application/json", ...init.headers },
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

// The scripted model calls the tools named by `@tool <Name> <json>` lines, so the demo shows
// real tool use (each change asks permission first; the demo grants it, as a user would).
const DEMO_MESSAGE = [
  "Hello! Please think about what this backend does, then try two tools.",
  `@tool Write ${JSON.stringify({ file_path: "hello.md", content: "# Hello from the demo\n" })}`,
  `@tool Bash ${JSON.stringify({ command: "ls -l && wc -c hello.md" })}`,
].join("\n");

/** Creates a session, streams it, sends one message and prints events until the run ends. */
async function demo() {
  const session = await api("/api/sessions", { method: "POST", body: JSON.stringify({ title: "Demo session" }) });
  log(`Created session ${session.id}; streaming its events`);
  const stream = await fetch(`${baseUrl}/stream?sessionId=${session.id}`, { headers: { Authorization: `Bearer ${env.MIX_API_KEY}` } });
  const reader = stream.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let sent = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the stream ended before the run completed");
    buffer += value;
    let boundary;
    while ((boundary = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const id = /^id: (.*)$/m.exec(frame)?.[1];
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (!event) continue;
      process.stdout.write(`  id=${(id ?? "-").padEnd(4)} ${event.padEnd(22)} ${data}\n`);
      if (event === "connected" && !sent) {
        sent = true;
        log(`Sending: ${JSON.stringify(DEMO_MESSAGE)}`);
        await api(`/api/sessions/${session.id}/messages`, { method: "POST", body: JSON.stringify({ text: DEMO_MESSAGE }) });
      }
      if (event === "permission") {
        const request = JSON.parse(data);
        log(`Granting ${request.toolName}: ${request.description}`);
        await api(`/api/permissions/${request.id}/grant`, { method: "POST" });
      }
      if (event === "complete" || (event === "error" && JSON.parse(data).type === "run_failed")) {
        await reader.cancel();
        return session.id;
      }
    }
  }
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  log("Stopping the stack");
  for (const child of children) child.kill("SIGTERM");
  const force = setTimeout(() => process.exit(code), 35_000);
  force.unref();
  Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", resolve))))).then(() =>
    process.exit(code),
  );
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

try {
  migrate();
  await chooseSandbox();
  reportBrowser();
  startApp("api", "apps/api/dist/main.js");
  startApp("worker", "apps/worker/dist/main.js");
  startApp("mcp", "apps/mcp-server/dist/http.js");
  await waitForHealth();
  log(`API healthy at ${baseUrl} (OpenAPI docs: ${baseUrl}/api/docs)`);
  if (!process.argv.includes("--no-demo")) {
    const sessionId = await demo();
    log(`Demo complete. Transcript: curl -H "Authorization: Bearer ${env.MIX_API_KEY}" ${baseUrl}/api/sessions/${sessionId}/messages`);
  }
  log(`Web console: ${baseUrl}/console (type the API key; it is kept for the tab only)`);
  log(`MCP server: http://127.0.0.1:${env.MCP_PORT ?? 8090}/mcp (same API key, as a Bearer header)`);
  log(`The stack keeps running (API key: ${env.MIX_API_KEY}). Press Ctrl-C to stop.`);
} catch (error) {
  process.stderr.write(`start-stack failed: ${error.message}\n`);
  stop(1);
}
