/**
 * A send_message callback's message takes the path a client's message takes. On a real worker
 * (Postgres, Redis, the scripted model), a callback whose message is `/greet Ada` queues the
 * command's prompt, not the text as typed, and it runs as the session's next turn.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createIsolatedTestEnv, createStorageDir, deleteRedisPrefix, waitFor, type TestDatabase } from "@mix/testing";
import { loadConfig } from "../config/config";
import { createLogger } from "../logging/logger";
import { openApplication, type Application } from "../services/application-services";
import { startRunWorker, type RunWorker } from "../workers/run-worker";

const logger = createLogger("test", "silent");
let commandsDir: string;
let storage: string;
let database: TestDatabase;
let prefix: string;
let application: Application;
let worker: RunWorker;

beforeAll(async () => {
  commandsDir = await mkdtemp(join(tmpdir(), "mix-callback-commands-"));
  await writeFile(join(commandsDir, "greet.md"), "---\ndescription: Greet someone\nargument-hint: <name>\n---\nSay hello to $1.\n");
  storage = await createStorageDir("callback-message");
  const isolated = await createIsolatedTestEnv("callbackmessage", { COMMANDS_DIR: commandsDir, STORAGE_DIR: storage, LOG_LEVEL: "error" });
  ({ database, prefix } = isolated);
  const config = loadConfig(isolated.env);
  application = openApplication(config, logger);
  worker = await startRunWorker(config, logger);
});
afterAll(async () => {
  await worker?.close();
  await application?.close();
  await deleteRedisPrefix(prefix);
  await database?.drop();
  await rm(commandsDir, { recursive: true, force: true });
  await rm(storage, { recursive: true, force: true });
});

it("expands a /command in a send_message callback's message, as in a message a client sends", async () => {
  const { apiKeys, sessions, messages } = application.services;
  const { workspaceId } = await apiKeys.createWorkspace("callback-message");
  const session = await sessions.create(workspaceId, {
    title: "callbacks",
    promptMode: "default",
    sessionType: "main",
    callbacks: [{ type: "send_message", toolName: "list_directory", messageContent: "/greet Ada" }],
  });
  await messages.send(workspaceId, session.id, { text: "@tool list_directory {}", plan_mode: false });

  const { prisma } = application.infrastructure;
  await waitFor(async () => (await prisma.run.count({ where: { sessionId: session.id, status: "completed" } })) === 2, {
    timeoutMs: 20_000,
    what: "the run and the one its callback queued to complete",
  });
  const transcript = await messages.list(workspaceId, session.id);
  expect(transcript.filter((message) => message.role === "user").map((message) => message.userInput)).toEqual(["@tool list_directory {}", "Say hello to Ada."]);
  // The scripted model echoes what it was sent: the command's prompt.
  expect(transcript.at(-1)).toMatchObject({ role: "assistant", assistantResponse: expect.stringContaining("You said: Say hello to Ada.") });
});
