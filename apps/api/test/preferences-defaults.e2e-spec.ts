/**
 * Preferences follow the deployment: on a stack whose model is the scripted one (the local
 * default), a reset stores the scripted model, and a run after it completes.
 */
import request from "supertest";
import { ContractSchema, describeErrors } from "./contract/contract-schema";
import { createSession, isComplete, openStream, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;
const contract = new ContractSchema();

beforeAll(async () => {
  stack = await startTestStack({ label: "prefdefaults", workers: 1, env: { MODEL_PROVIDER: "scripted" } });
  url = stack.apis[0]!.url;
});
afterAll(() => stack?.close());

const post = (path: string, body: object = {}) => request(url).post(path).set(bearer(stack.key)).send(body);

describe("POST /api/preferences/reset on a scripted deployment", () => {
  it("resets to the scripted model, in the contract's shape", async () => {
    await post("/api/preferences", { preferred_provider: "anthropic", main_agent_model: "claude-sonnet-4-5" }).expect(200);
    const { body } = await post("/api/preferences/reset").expect(200);
    expect(body).toMatchObject({
      preferred_provider: "scripted",
      main_agent_model: "scripted-1",
      sub_agent_model: "scripted-1",
      main_agent_max_tokens: 32000,
      sub_agent_max_tokens: 16000,
      main_agent_reasoning_effort: "medium",
      sub_agent_reasoning_effort: "low",
    });
    const validate = contract.responseValidator("POST", "/api/preferences/reset", 200)!;
    expect({ valid: validate(body), errors: describeErrors(validate) }).toEqual({ valid: true, errors: "" });
  });

  it("fills a first partial update with the scripted model too", async () => {
    const { apiKey } = await stack.apis[0]!.api.services.apiKeys.createWorkspace("prefdefaults-b");
    const { body } = await request(url).post("/api/preferences").set(bearer(apiKey)).send({ main_agent_reasoning_effort: "high" }).expect(200);
    expect(body).toMatchObject({ preferred_provider: "scripted", main_agent_model: "scripted-1", main_agent_reasoning_effort: "high" });
  });

  it("runs a message to completion after the reset", async () => {
    await post("/api/preferences/reset").expect(200);
    const sessionId = await createSession(url, stack.key);
    const client = await openStream(url, stack.key, sessionId);
    try {
      await sendMessage(url, stack.key, sessionId, "hello after reset");
      await client.waitForEvent(isComplete);
      expect(client.logEvents.map((event) => event.event)).not.toContain("error");
    } finally {
      client.close();
    }
  });
});
