/** The commands API (built-ins + a COMMANDS_DIR folder) and `/name args` messages stored expanded. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { createSession, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;
let commandsDir: string;

beforeAll(async () => {
  commandsDir = await mkdtemp(join(tmpdir(), "mix-commands-e2e-"));
  await writeFile(join(commandsDir, "greet.md"), "---\ndescription: Greet someone\nargument-hint: <name>\n---\nSay hello to $1.\n");
  await writeFile(join(commandsDir, "Not Valid.md"), "ignored");
  await writeFile(join(commandsDir, "summarize.md"), "A custom command may not replace a built-in: $ARGUMENTS");
  stack = await startTestStack({ label: "commands", workers: 0, env: { COMMANDS_DIR: commandsDir, LOG_LEVEL: "error" } });
  url = stack.apis[0]!.url;
});
afterAll(async () => {
  await stack?.close();
  await rm(commandsDir, { recursive: true, force: true });
});

const get = (path: string) => request(url).get(path).set(bearer(stack.key));

describe("GET /api/commands", () => {
  it("lists the built-ins and the folder's valid commands", async () => {
    const response = await get("/api/commands").expect(200);
    expect(response.body).toEqual([
      { name: "help", description: "List the available commands" },
      { name: "review", description: "Review code or text for bugs, risks and unclear parts" },
      { name: "summarize", description: "Summarize the given text" },
      { name: "compact", description: "Summarise the conversation so far to free the model's context window (the full history stays stored)" },
      { name: "greet", description: "Greet someone" },
    ]);
  });

  it("answers 401 without an API key", async () => {
    const response = await request(url).get("/api/commands").expect(401);
    expect(response.body.error).toMatchObject({ code: 401, type: "unauthorized" });
    await request(url).get("/api/commands/help").expect(401);
  });
});

describe("GET /api/commands/{name}", () => {
  it("describes a custom and a built-in command with its usage", async () => {
    expect((await get("/api/commands/greet").expect(200)).body).toEqual({ name: "greet", description: "Greet someone", usage: "/greet <name>" });
    expect((await get("/api/commands/summarize").expect(200)).body).toEqual({
      name: "summarize",
      description: "Summarize the given text",
      usage: "/summarize <text>",
    });
  });

  it("answers 404 in the error shape for an unknown command", async () => {
    const response = await get("/api/commands/nope").expect(404);
    expect(response.body).toEqual({ error: { code: 404, type: "not_found", reason: "not_found", message: "Command not found" } });
  });
});

describe("a message that starts with /name", () => {
  it("is stored as the command's expansion; an unknown /name is stored as typed", async () => {
    const sessionId = await createSession(url, stack.key);
    await sendMessage(url, stack.key, sessionId, "/summarize hello world");
    await sendMessage(url, stack.key, sessionId, "/greet Ada");
    await sendMessage(url, stack.key, sessionId, "/unknown stays as typed");
    const messages = await get(`/api/sessions/${sessionId}/messages`).expect(200);
    expect(messages.body.map((message: { userInput: string }) => message.userInput)).toEqual([
      "Summarize: hello world",
      "Say hello to Ada.",
      "/unknown stays as typed",
    ]);
  });
});
