/**
 * The MCP tools under a workspace's plan, as the REST API is: list_models marks the models the
 * plan lacks as requiresPaid, and send_message is refused with the REST API's statuses, 403 for
 * a session whose model the plan lacks and 402 once the credits are used up, before anything is
 * stored. A message it does send records the key that sent it.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SYSTEM_ACTOR } from "@mix/core";
import { connectClient, resultText, startMcpStack, type McpStack } from "./helpers/mcp-stack";

let stack: McpStack;
let plansDir: string;
const clients: Client[] = [];

beforeAll(async () => {
  plansDir = await mkdtemp(join(tmpdir(), "mix-mcp-plans-"));
  await writeFile(join(plansDir, "plans.json"), JSON.stringify({ "anthropic-only": { title: "Anthropic only", models: ["anthropic/*"] } }));
  stack = await startMcpStack({ label: "mcp-plans", env: { PLANS_FILE: join(plansDir, "plans.json") } });
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await stack?.close();
  await rm(plansDir, { recursive: true, force: true });
});

const services = () => stack.instances[0]!.services;
const prisma = () => stack.instances[0]!.infrastructure.prisma;

async function workspace(name: string): Promise<{ client: Client; workspaceId: string; apiKeyId: string }> {
  const { apiKey, workspaceId } = await services().apiKeys.createWorkspace(name);
  const client = await connectClient(stack.instances[0]!.url, apiKey);
  clients.push(client);
  return { client, workspaceId, apiKeyId: (await services().apiKeys.authenticate(apiKey))!.apiKeyId };
}

const newSession = async (client: Client) =>
  ((await client.callTool({ name: "create_session", arguments: { title: "s" } })).structuredContent as { id: string }).id;
const send = (client: Client, sessionId: string) =>
  client.callTool({ name: "send_message", arguments: { session_id: sessionId, text: "hi", timeout_seconds: 10 } });

it("lists models by the workspace's plan", async () => {
  const { client, workspaceId } = await workspace("mcp models");
  const listed = async () =>
    ((await client.callTool({ name: "list_models", arguments: {} })).structuredContent as { models: { requiresPaid: boolean }[] }).models;
  expect((await listed()).map((model) => model.requiresPaid)).toEqual([false, false]);
  await services().workspacePlan.change(workspaceId, "anthropic-only", SYSTEM_ACTOR);
  expect((await listed()).map((model) => model.requiresPaid)).toEqual([true, true]);
});

it("refuses send_message with 403 when the plan lacks the session's model, and 402 at zero credits", async () => {
  const { client, workspaceId, apiKeyId } = await workspace("mcp sends");
  const sessionId = await newSession(client);
  await services().workspacePlan.change(workspaceId, "anthropic-only", SYSTEM_ACTOR);
  const notInPlan = await send(client, sessionId);
  expect(notInPlan.isError).toBe(true);
  expect(resultText(notInPlan)).toMatch(/^Error 403 \(unauthorized\): The model 'scripted-1' .* is not in this workspace's plan 'anthropic-only'/);

  // The free plan has the scripted model and meters it: a message goes through, then none at zero.
  await services().workspacePlan.change(workspaceId, "free", SYSTEM_ACTOR);
  const sent = await send(client, sessionId);
  expect(sent.isError).toBeFalsy();
  expect((sent.structuredContent as { status: string }).status).toBe("completed");
  expect(await prisma().run.findMany({ where: { sessionId }, select: { apiKeyId: true } })).toEqual([{ apiKeyId }]);
  await prisma().workspace.update({ where: { id: workspaceId }, data: { creditMicros: 0 } });
  const broke = await send(client, sessionId);
  expect(broke.isError).toBe(true);
  expect(resultText(broke)).toMatch(/^Error 402 \(bad_request\): The workspace's credits are used up .*POST \/api\/workspace\/credits/);
  expect(await prisma().message.count({ where: { sessionId, role: "user" } })).toBe(1);
});
