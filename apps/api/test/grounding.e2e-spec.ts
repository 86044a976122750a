/**
 * What the model is grounded on, seen on the wire of a fake OpenAI-compatible provider: the
 * workspace profile in the system prompt of chat and of sessions whose prompt mode allows it,
 * the knowledge chunks retrieved for each user message with numbered markers (never another
 * workspace's), the sources a reply was given (the chat's header, and per message), the
 * switches that turn retrieval off, and the knowledge_search tool.
 */
import request from "supertest";
import { openAiTextReply, openAiToolCallReply, type RecordedRequest } from "@mix/testing";
import { KNOWLEDGE_SOURCES_HEADER, PROFILE_FIELD_MAX_BYTES } from "@mix/core";
import { converse, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { postChat } from "./helpers/chat-client";
import { createSession } from "./helpers/session-fixtures";
import { bearer } from "./helpers/test-stack";

let stack: AgentStack;
let handbookId: string;

const PROFILE = { team: "We are the Acme Rockets team.", product: "Acme sells reusable rockets.", voice: "Friendly and brief.", facts: "Our CEO is Wile E." };

beforeAll(async () => {
  stack = await startAgentStack({ label: "grounding" });
  const paragraphs = Array.from({ length: 8 }, (_, i) => `Section ${i} covers parking, lunch and the office plants.`);
  paragraphs.splice(4, 0, "Zorblax refunds are paid within 45 days of the return.");
  handbookId = (
    await request(stack.url)
      .post("/api/knowledge/documents")
      .set(bearer(stack.key))
      .send({ title: "Handbook", text: paragraphs.join("\n\n") })
      .expect(201)
  ).body.id;
  await request(stack.url)
    .post("/api/knowledge/documents")
    .set(bearer(stack.otherKey))
    .send({ title: "Theirs", text: "Zorblax refunds are paid within 99 days." })
    .expect(201);
  await request(stack.url).put("/api/workspace/profile").set(bearer(stack.key)).send(PROFILE).expect(200);
});
afterAll(() => stack?.close());

const systemOf = (sent: RecordedRequest) =>
  (sent.body.messages as Array<{ role: string; content: unknown }>).find((message) => message.role === "system")?.content as string;
const lastUserOf = (sent: RecordedRequest) =>
  JSON.stringify((sent.body.messages as Array<{ role: string }>).filter((message) => message.role === "user").at(-1));
const userMessageId = async (key: string, sessionId: string) =>
  ((await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(key)).expect(200)).body as Array<{ id: string; role: string }>).find(
    (message) => message.role === "user",
  )!.id;

describe("the workspace profile", () => {
  it("is read by any key, changed by admins only, bounded in size, and audited", async () => {
    const services = stack.apis[0]!.api.services;
    const workspaceId = (await services.apiKeys.authenticate(stack.key))!.workspaceId;
    const system = { actor: { apiKeyId: null, memberId: null, address: null }, role: "owner" as const };
    const member = await services.keysAdmin.create(workspaceId, system, { name: "member", role: "member" });
    const reader = await services.keysAdmin.create(workspaceId, system, { name: "reader", role: "read_only" });
    const read = await request(stack.url).get("/api/workspace/profile").set(bearer(reader.secret)).expect(200);
    expect(read.body).toEqual({ ...PROFILE, updatedAt: expect.any(String) });
    expect((await request(stack.url).put("/api/workspace/profile").set(bearer(member.secret)).send({ voice: "Rude" }).expect(403)).body.error.reason).toBe(
      "forbidden",
    );

    const tooBig = await request(stack.url)
      .put("/api/workspace/profile")
      .set(bearer(stack.key))
      .send({ facts: "f".repeat(PROFILE_FIELD_MAX_BYTES + 1) })
      .expect(413);
    expect(tooBig.body).toEqual({
      error: { code: 413, type: "validation_error", reason: "too_large", message: "facts takes 8 KB; a profile field may take at most 8 KB" },
    });
    const total = { team: "t".repeat(6000), product: "p".repeat(6000), voice: "v".repeat(6000) };
    const overTotal = await request(stack.url).put("/api/workspace/profile").set(bearer(stack.key)).send(total).expect(413);
    expect(overTotal.body.error.message).toBe("The profile would take 17.6 KB; all its fields together may take at most 16 KB");
    await request(stack.url).put("/api/workspace/profile").set(bearer(stack.key)).send({ colour: "red" }).expect(400);
    // Nothing changed by the refused requests.
    expect((await request(stack.url).get("/api/workspace/profile").set(bearer(stack.key)).expect(200)).body).toMatchObject(PROFILE);

    const other = await request(stack.url).get("/api/workspace/profile").set(bearer(stack.otherKey)).expect(200);
    expect(other.body).toEqual({ team: "", product: "", voice: "", facts: "", updatedAt: null });
    const audit = await request(stack.url).get("/api/workspace/audit").query({ action: "workspace.profile_changed" }).set(bearer(stack.key)).expect(200);
    expect(audit.body).toHaveLength(1);
    expect(audit.body[0].details).toEqual({ fields: ["team", "product", "voice", "facts"], bytes: { team: 29, product: 28, voice: 19, facts: 18 } });
  });
});

describe("a chat answer", () => {
  it("is given the profile and the planted chunk under a marker, and the citation comes back", async () => {
    stack.fake.reply(openAiTextReply("Refunds are paid within 45 days [1]."));
    const before = stack.fake.requests.length;
    const reply = await postChat(stack.url, stack.key, { message: "How long do Zorblax refunds take?" });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("Refunds are paid within 45 days [1].");
    const sources = JSON.parse(reply.headers[KNOWLEDGE_SOURCES_HEADER.toLowerCase()] as string);
    expect(sources).toEqual([{ marker: 1, documentId: handbookId, chunkId: expect.any(String), title: "Handbook", position: expect.any(Number) }]);
    expect(reply.headers["access-control-expose-headers"]).toContain(KNOWLEDGE_SOURCES_HEADER);

    const sent = stack.fake.requests[before]!;
    expect(systemOf(sent)).toContain("We are the Acme Rockets team.");
    expect(systemOf(sent)).toContain("Our CEO is Wile E.");
    // The passage travels with the question, numbered, with the instruction to cite it; the system prompt stays put.
    expect(lastUserOf(sent)).toContain("[1] Handbook");
    expect(lastUserOf(sent)).toContain("Zorblax refunds are paid within 45 days");
    expect(lastUserOf(sent)).toContain("cite it by its marker");
    expect(systemOf(sent)).not.toContain("Zorblax");
    expect(JSON.stringify(sent.body)).not.toContain("99 days");

    const conversationId = reply.headers["x-conversation-id"] as string;
    const messageId = await userMessageId(stack.key, conversationId);
    const stored = await request(stack.url).get(`/api/knowledge/messages/${messageId}/sources`).set(bearer(stack.key)).expect(200);
    expect(stored.body).toEqual({ messageId, sources });
    // The stored message is the user's own text.
    const messages = await request(stack.url).get(`/api/sessions/${conversationId}/messages`).set(bearer(stack.key)).expect(200);
    expect(messages.body[0].userInput).toBe("How long do Zorblax refunds take?");
    // Another workspace cannot read which sources it had.
    await request(stack.url).get(`/api/knowledge/messages/${messageId}/sources`).set(bearer(stack.otherKey)).expect(404);
  });

  it("is not given knowledge when the request says knowledge: false, and the conversation keeps that", async () => {
    stack.fake.reply(openAiTextReply("No idea.")).reply(openAiTextReply("Still no idea."));
    const before = stack.fake.requests.length;
    const reply = await postChat(stack.url, stack.key, { message: "How long do Zorblax refunds take?", knowledge: false });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.headers[KNOWLEDGE_SOURCES_HEADER.toLowerCase()] as string)).toEqual([]);
    expect(JSON.stringify(stack.fake.requests[before]!.body)).not.toContain("45 days");
    // The profile is not knowledge: it stays.
    expect(systemOf(stack.fake.requests[before]!)).toContain("Acme Rockets");
    const conversationId = reply.headers["x-conversation-id"] as string;
    expect((await request(stack.url).get(`/api/sessions/${conversationId}/knowledge`).set(bearer(stack.key)).expect(200)).body).toEqual({ enabled: false });
    const next = await postChat(stack.url, stack.key, { message: "And Zorblax refunds?", conversationId });
    expect(next.status).toBe(200);
    expect(JSON.stringify(stack.fake.requests[before + 1]!.body)).not.toContain("45 days");
    const bad = await postChat(stack.url, stack.key, { message: "x", knowledge: "no" });
    expect(bad.status).toBe(400);
  });

  it("has no knowledge section when nothing matches, and never another workspace's profile", async () => {
    stack.fake.reply(openAiTextReply("Hello."));
    const before = stack.fake.requests.length;
    const reply = await postChat(stack.url, stack.otherKey, { message: "What is the weather like?" });
    expect(JSON.parse(reply.headers[KNOWLEDGE_SOURCES_HEADER.toLowerCase()] as string)).toEqual([]);
    const sent = stack.fake.requests[before]!;
    expect(lastUserOf(sent)).not.toContain("Knowledge sources");
    expect(systemOf(sent)).not.toContain("Acme");
  });
});

describe("a session", () => {
  it("is given the chunks for each user message, and knowledge_search finds them on its own", async () => {
    stack.fake
      .reply(openAiToolCallReply([{ id: "call_ks", name: "knowledge_search", input: { query: "Zorblax refunds" } }]))
      .reply(openAiTextReply("45 days, says the Handbook."));
    const before = stack.fake.requests.length;
    const { sessionId } = await converse(stack, "Tell me about Zorblax refunds");
    const first = stack.fake.requests[before]!;
    expect(lastUserOf(first)).toContain("[1] Handbook");
    expect(systemOf(first)).toContain("Acme Rockets");
    expect((first.body.tools as Array<{ function: { name: string } }>).map((tool) => tool.function.name)).toContain("knowledge_search");
    const toolResult = JSON.stringify((stack.fake.requests[before + 1]!.body.messages as Array<{ role: string }>).find((message) => message.role === "tool"));
    expect(toolResult).toContain("Zorblax refunds are paid within 45 days");
    expect(toolResult).toContain(`document ${handbookId}`);
    expect(toolResult).not.toContain("99 days");
    const messageId = await userMessageId(stack.key, sessionId);
    const stored = await request(stack.url).get(`/api/knowledge/messages/${messageId}/sources`).set(bearer(stack.key)).expect(200);
    expect(stored.body.sources.map((source: { documentId: string }) => source.documentId)).toEqual([handbookId]);
  });

  it("follows its own switch, and its prompt mode for the profile", async () => {
    stack.fake.reply(openAiTextReply("ok")).reply(openAiTextReply("ok")).reply(openAiTextReply("ok"));
    const sessionId = await createSession(stack.url, stack.key);
    await request(stack.url).put(`/api/sessions/${sessionId}/knowledge`).set(bearer(stack.otherKey)).send({ enabled: false }).expect(404);
    await request(stack.url).put(`/api/sessions/${sessionId}/knowledge`).set(bearer(stack.key)).send({ enabled: "no" }).expect(400);
    expect((await request(stack.url).put(`/api/sessions/${sessionId}/knowledge`).set(bearer(stack.key)).send({ enabled: false }).expect(200)).body).toEqual({
      enabled: false,
    });
    let before = stack.fake.requests.length;
    await converse(stack, "Zorblax refunds?", { sessionId });
    expect(JSON.stringify(stack.fake.requests[before]!.body.messages)).not.toContain("45 days");

    before = stack.fake.requests.length;
    const replaced = await createSession(stack.url, stack.key, { customSystemPrompt: "You are a pirate.", promptMode: "replace" });
    await converse(stack, "Zorblax refunds?", { sessionId: replaced });
    expect(systemOf(stack.fake.requests[before]!)).toBe("You are a pirate.");
    expect(lastUserOf(stack.fake.requests[before]!)).toContain("45 days");

    before = stack.fake.requests.length;
    const appended = await createSession(stack.url, stack.key, { customSystemPrompt: "Answer in French.", promptMode: "append" });
    await converse(stack, "Hello", { sessionId: appended });
    const system = systemOf(stack.fake.requests[before]!);
    expect(system.indexOf("Acme Rockets")).toBeGreaterThan(0);
    expect(system.indexOf("Answer in French.")).toBeGreaterThan(system.indexOf("Acme Rockets"));
  });
});
