/** The tools endpoints report the real registry; callbacks can be replaced and cleared. */
import request from "supertest";
import { BUILTIN_TOOLS } from "@mix/core";
import { createSession } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;

beforeAll(async () => {
  stack = await startTestStack({ label: "tools", workers: 0 });
  url = stack.apis[0]!.url;
});
afterAll(() => stack?.close());

it("lists every registered tool with its input schema and required fields", async () => {
  const response = await request(url).get("/api/tools").set(bearer(stack.key)).expect(200);
  expect(response.body.tools.map((tool: { name: string }) => tool.name)).toEqual(BUILTIN_TOOLS.map((tool) => tool.name));
  const bash = response.body.tools.find((tool: { name: string }) => tool.name === "Bash");
  expect(bash.parameters).toMatchObject({ type: "object", properties: { command: expect.any(Object) } });
  expect(bash.required).toContain("command");
});

it("groups the tools by category in the status", async () => {
  const response = await request(url).get("/api/tools/status").set(bearer(stack.key)).expect(200);
  const listed = Object.values(response.body.categories as Record<string, { tools: { display_name: string }[] }>).flatMap((c) => c.tools);
  expect(listed).toHaveLength(BUILTIN_TOOLS.length);
  expect(response.body.categories.shell.tools[0]).toMatchObject({ display_name: "Bash", api_key_required: false, authenticated: true });
  await request(url).get("/api/tools/credentials-status").set(bearer(stack.key)).expect(200, { categories: {} });
});

describe("PATCH /api/sessions/{id}/callbacks", () => {
  it("replaces the callbacks, and an empty list clears them", async () => {
    const sessionId = await createSession(url, stack.key, { callbacks: [{ type: "bash_script", toolName: "*", bashCommand: "true" }] });
    const callbacks = [{ type: "send_message", toolName: "Edit", messageContent: "run the tests" }];
    const updated = await request(url).patch(`/api/sessions/${sessionId}/callbacks`).set(bearer(stack.key)).send({ callbacks }).expect(200);
    expect(updated.body.callbacks).toEqual(callbacks);
    const cleared = await request(url).patch(`/api/sessions/${sessionId}/callbacks`).set(bearer(stack.key)).send({ callbacks: [] }).expect(200);
    expect(cleared.body.callbacks).toBeUndefined();
    const stored = await request(url).get(`/api/sessions/${sessionId}`).set(bearer(stack.key)).expect(200);
    expect(stored.body.callbacks).toBeUndefined();
  });

  it.each([
    [{}, /callbacks/],
    [{ callbacks: [{ type: "sub_agent", toolName: "*" }] }, /subAgentPrompt is required/],
    [{ callbacks: [], extra: 1 }, /unknown field/],
  ])("refuses %j with 400", async (body, message) => {
    const sessionId = await createSession(url, stack.key);
    const response = await request(url).patch(`/api/sessions/${sessionId}/callbacks`).set(bearer(stack.key)).send(body);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(message);
  });

  it("answers 404 for another workspace's session", async () => {
    const foreign = await createSession(url, stack.otherKey);
    await request(url).patch(`/api/sessions/${foreign}/callbacks`).set(bearer(stack.key)).send({ callbacks: [] }).expect(404);
  });
});
