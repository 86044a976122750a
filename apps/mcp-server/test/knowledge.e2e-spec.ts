/**
 * The workspace profile and knowledge tools over MCP: the same services, scoping, limits and
 * audit entries as the REST routes; changing tools need an admin key.
 */
import { SYSTEM_ACTOR, type Principal } from "@mix/core";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connectClient, resultText, startMcpStack, type McpStack } from "./helpers/mcp-stack";

let stack: McpStack;
let owner: Client;
let principal: Principal;
const clients: Client[] = [];

beforeAll(async () => {
  stack = await startMcpStack({ label: "mcp-knowledge", workers: 1 });
  owner = await connectClient(stack.instances[0]!.url, stack.key);
  clients.push(owner);
  principal = (await stack.instances[0]!.services.apiKeys.authenticate(stack.key))!;
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await stack?.close();
});

const call = (client: Client, name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args });

it("reads and changes the workspace profile, within its size limits, audited", async () => {
  const updated = await call(owner, "update_workspace_profile", { team: "The MCP team", facts: "We ship on Fridays." });
  expect(updated.isError).toBeFalsy();
  expect(updated.structuredContent).toMatchObject({ team: "The MCP team", facts: "We ship on Fridays.", product: "", voice: "" });
  const read = await call(owner, "get_workspace_profile");
  expect(read.structuredContent).toMatchObject({ team: "The MCP team", updatedAt: expect.any(String) });

  const tooBig = await call(owner, "update_workspace_profile", { voice: "v".repeat(9000) });
  expect(tooBig.isError).toBe(true);
  expect(resultText(tooBig)).toBe("Error 413 (validation_error): voice takes 8.8 KB; a profile field may take at most 8 KB");
  const entries = (await stack.instances[0]!.services.audit.list(principal.workspaceId, { action: ["workspace.profile_changed"] })).entries;
  expect(entries).toHaveLength(1);
  expect(entries[0]!.actor.apiKeyId).toBe(principal.apiKeyId);
});

it("adds, lists, searches, re-indexes and deletes documents of its own workspace only", async () => {
  const added = await call(owner, "add_knowledge_document", { title: "Shipping", text: "Parcels to Norway take six working days." });
  expect(added.isError).toBeFalsy();
  const id = (added.structuredContent as { id: string }).id;
  expect(resultText(added)).toMatch(/^Added document .* \(1 chunks\)\./);

  const listed = await call(owner, "list_knowledge_documents");
  expect((listed.structuredContent as { documents: Array<{ id: string }> }).documents.map((document) => document.id)).toEqual([id]);
  const found = await call(owner, "search_knowledge", { query: "Norway parcels" });
  expect((found.structuredContent as { results: Array<{ documentId: string; content: string }> }).results).toEqual([
    expect.objectContaining({ documentId: id, content: "Parcels to Norway take six working days." }),
  ]);
  expect((await call(owner, "reindex_knowledge_document", { document_id: id })).isError).toBeFalsy();

  // Another workspace's key sees none of it.
  const services = stack.instances[0]!.services;
  const otherKey = (await services.apiKeys.createWorkspace("mcp-knowledge-other")).apiKey;
  const other = await connectClient(stack.instances[0]!.url, otherKey);
  clients.push(other);
  expect((await call(other, "search_knowledge", { query: "Norway parcels" })).structuredContent).toEqual({ results: [] });
  const foreign = await call(other, "delete_knowledge_document", { document_id: id });
  expect(resultText(foreign)).toBe("Error 404 (not_found): Knowledge document not found");

  const bad = await call(owner, "add_knowledge_document", { text: "x", url: "http://example.com" });
  expect(resultText(bad)).toMatch(/^Error 400 \(validation_error\): .*exactly one of text, url/);
  const refused = await call(owner, "add_knowledge_document", { url: "http://127.0.0.1:9/secret" });
  expect(resultText(refused)).toMatch(/^Error 400 \(bad_request\): Refused: .*loopback/);

  expect((await call(owner, "delete_knowledge_document", { document_id: id })).isError).toBeFalsy();
  expect((await call(owner, "search_knowledge", { query: "Norway parcels" })).structuredContent).toEqual({ results: [] });
});

it("chat returns the sources its reply was given, and none with knowledge: false", async () => {
  const added = await call(owner, "add_knowledge_document", { title: "Refunds", text: "Zorblax refunds are paid within 45 days." });
  const id = (added.structuredContent as { id: string }).id;
  const grounded = await call(owner, "chat", { message: "How long do Zorblax refunds take?", timeout_seconds: 20 });
  expect(grounded.structuredContent).toMatchObject({ status: "completed", sources: [{ marker: 1, documentId: id, title: "Refunds", position: 0 }] });
  const plain = await call(owner, "chat", { message: "How long do Zorblax refunds take?", knowledge: false, timeout_seconds: 20 });
  expect(plain.structuredContent).toMatchObject({ status: "completed" });
  expect(plain.structuredContent).not.toHaveProperty("sources");
  await call(owner, "delete_knowledge_document", { document_id: id });
});

it("refuses the changing tools to a member key", async () => {
  const { secret } = await stack.instances[0]!.services.keysAdmin.create(
    principal.workspaceId,
    { actor: SYSTEM_ACTOR, role: "owner" },
    { name: "member", role: "member" },
  );
  const member = await connectClient(stack.instances[0]!.url, secret);
  clients.push(member);
  const refused = await call(member, "add_knowledge_document", { text: "by a member" });
  expect(resultText(refused)).toBe("Error 403 (unauthorized): Forbidden: add_knowledge_document needs the admin role or above; this API key's role is member");
  expect((await call(member, "search_knowledge", { query: "anything" })).isError).toBeFalsy();
});
