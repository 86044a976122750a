/**
 * The sandbox through the whole stack: a workspace's setting (GET/PUT /api/sandbox) decides
 * whether its agent's commands have a network, and even with egress the worker's proxy keeps
 * the API, Postgres and Redis on loopback out of reach. The settings route refuses bad input
 * and answers only for the caller's own workspace.
 */
import request from "supertest";
import { openAiTextReply, openAiToolCallReply } from "@mix/testing";
import { allowAllTools, converse, named, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { bearer } from "./helpers/test-stack";

let stack: AgentStack;

beforeAll(async () => {
  stack = await startAgentStack({ label: "agent-sandbox" });
  await allowAllTools(stack.url, stack.key);
});
afterAll(() => stack?.close());

const settings = (key = stack.key) => request(stack.url).get("/api/sandbox").set(bearer(key));
const setNetwork = (body: unknown, key = stack.key) =>
  request(stack.url)
    .put("/api/sandbox")
    .set(bearer(key))
    .send(body as object);

/** Runs one Bash call through the agent loop and returns its result as the model was told it. */
async function bash(command: string): Promise<string> {
  stack.fake.reply(openAiToolCallReply([{ id: "call_sandbox", name: "Bash", input: { command } }])).reply(openAiTextReply("done"));
  const { sessionId, events } = await converse(stack, "run it");
  expect(named(events, "tool_execution_complete")).toHaveLength(1);
  const messages = (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
  return messages[1].toolCalls[0].result as string;
}

const apiPort = () => new URL(stack.url).port;
/** A raw proxy request in bash, through whatever HTTP_PROXY the sandbox was given. */
const viaProxy = (line: string) =>
  `echo "proxy=[$HTTP_PROXY]"; p=\${HTTP_PROXY#http://}; exec 3<>/dev/tcp/\${p%:*}/\${p##*:} && printf '${line}\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' >&3 && cat <&3`;

describe("GET and PUT /api/sandbox", () => {
  it("reports the deployment's driver and limits, and no network by default", async () => {
    const { body } = await settings().expect(200);
    expect(body).toEqual({
      driver: "bubblewrap",
      network: "none",
      egressPorts: [80, 443],
      limits: { cpuSeconds: 300, memoryMb: 2048, maxProcesses: 256, maxFileMb: 1024, maxOpenFiles: 1024, tmpMb: 512 },
    });
  });

  it.each([[{}], [{ network: "internet" }], [{ network: "egress", extra: true }], [{ network: null }], [[]]])(
    "refuses %j with 400 in the error shape",
    async (body) => {
      const response = await setNetwork(body).expect(400);
      expect(response.body.error).toMatchObject({ code: 400, message: expect.any(String), type: expect.any(String) });
      expect((await settings().expect(200)).body.network).toBe("none");
    },
  );

  it("keeps one workspace's choice out of another's", async () => {
    await setNetwork({ network: "egress" }, stack.otherKey).expect(200);
    expect((await settings().expect(200)).body.network).toBe("none");
    expect((await settings(stack.otherKey).expect(200)).body.network).toBe("egress");
    await setNetwork({ network: "none" }, stack.otherKey).expect(200);
  });

  it("needs a key", async () => {
    await request(stack.url).get("/api/sandbox").expect(401);
    await request(stack.url).put("/api/sandbox").send({ network: "egress" }).expect(401);
  });
});

describe("the agent's commands", () => {
  afterEach(() => setNetwork({ network: "none" }).expect(200));

  it("have no network and no proxy without egress: the API on loopback is unreachable", async () => {
    const result = await bash(`${viaProxy("GET /health HTTP/1.1")}; exec 4<>/dev/tcp/127.0.0.1/${apiPort()}`);
    expect(result).toMatch(/^proxy=\[\]/);
    expect(result).toMatch(/Connection refused/);
    expect(result).not.toMatch(/HTTP\/1\.1 200/);
  });

  it("with egress, get a proxy that still refuses the API, Postgres and Redis on the worker's loopback", async () => {
    await setNetwork({ network: "egress" }).expect(200);
    for (const port of [apiPort(), "5432", "6379"]) {
      const result = await bash(viaProxy(`GET http://127.0.0.1:${port}/health HTTP/1.1`));
      expect(result).toMatch(/^proxy=\[http:\/\/127\.0\.0\.1:3128\]/);
      // Port rules come first for 5432/6379 and the API's port; loopback is refused either way.
      expect(result).toMatch(/HTTP\/1\.1 403[\s\S]*egress refused/);
    }
    const metadata = await bash(viaProxy("GET http://169.254.169.254/latest/meta-data/ HTTP/1.1"));
    expect(metadata).toMatch(/HTTP\/1\.1 403[\s\S]*egress refused: .*169\.254\.169\.254/);
  });
});
