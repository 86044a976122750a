/**
 * A key revoked, or a workspace deleted, through another process's services is refused by the
 * MCP server over HTTP at once, though it had the key cached.
 */
import { waitFor } from "@mix/testing";
import { startMcpStack, type McpStack } from "./helpers/mcp-stack";

let stack: McpStack;

beforeAll(async () => {
  stack = await startMcpStack({ label: "mcp-revocation", instances: 2, workers: 0 });
});
afterAll(() => stack?.close());

/** The HTTP status of a bare MCP `initialize` with the key. */
async function initializeStatus(key: string): Promise<number> {
  const response = await fetch(stack.instances[0]!.url, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } },
    }),
  });
  await response.arrayBuffer();
  return response.status;
}

const refusedAtOnce = (key: string) =>
  waitFor(async () => (await initializeStatus(key)) === 401, { timeoutMs: 1_000, intervalMs: 10, what: "a 401 from the MCP server" });

it("refuses a key revoked elsewhere at once", async () => {
  const elsewhere = stack.instances[1]!.services.apiKeys;
  const { apiKey } = await elsewhere.createWorkspace("mcp-revoked");
  expect(await initializeStatus(apiKey)).toBe(200);
  const { apiKeyId } = (await elsewhere.authenticate(apiKey))!;
  // The cache is real: a revocation nobody announces goes unnoticed while it lasts.
  await stack.instances[1]!.infrastructure.prisma.apiKey.update({ where: { id: apiKeyId }, data: { revokedAt: new Date() } });
  expect(await initializeStatus(apiKey)).toBe(200);
  await elsewhere.revokeKey(apiKeyId);
  await refusedAtOnce(apiKey);
  expect(await initializeStatus(stack.key)).toBe(200);
});

it("refuses the keys of a workspace deleted elsewhere at once", async () => {
  const elsewhere = stack.instances[1]!.services.apiKeys;
  const { apiKey, workspaceId } = await elsewhere.createWorkspace("mcp-deleted");
  expect(await initializeStatus(apiKey)).toBe(200);
  await elsewhere.deleteWorkspace(workspaceId);
  await refusedAtOnce(apiKey);
  expect(await initializeStatus(stack.otherKey)).toBe(200);
});
