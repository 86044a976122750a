/**
 * "auto" search on a session whose model has a search of its own: the provider's search runs on
 * the workspace's key, at the deployment's API root for that provider, and its sources pass the
 * domain rules (Gemini's by the site its redirect names).
 */
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { anthropicWebSearchReply, createTestDatabase, FakeHttpServer, geminiGroundedReply, type TestDatabase } from "@mix/testing";
import { loadConfig } from "../config/config";
import { SearchService } from "./search-service";

let database: TestDatabase;
let prisma: PrismaClient;
let server: FakeHttpServer;
beforeAll(async () => {
  database = await createTestDatabase("providersearch");
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});
beforeEach(async () => {
  server = await FakeHttpServer.start();
});
afterEach(() => server.close());

const keys: Record<string, string> = { anthropic: "sk-ant-workspace", gemini: "gm-workspace" };
const service = (env: Record<string, string> = {}) =>
  new SearchService({
    config: loadConfig({ DATABASE_URL: database.url, ANTHROPIC_BASE_URL: `${server.url}/v1`, GEMINI_BASE_URL: `${server.url}/v1beta`, ...env }),
    credentials: { resolve: async (_workspaceId, provider) => keys[provider] ?? null },
    prisma,
  });
const signal = () => new AbortController().signal;

it("uses Anthropic's web search for an Anthropic session, with the workspace's key", async () => {
  server.reply(
    anthropicWebSearchReply("mix", [
      { title: "Docs", url: "https://docs.mix.example/", snippet: "Mix docs." },
      { title: "Blocked", url: "https://blocked.example/", snippet: "no" },
    ]),
  );
  const outcome = await service({ SEARCH_BLOCKED_DOMAINS: "blocked.example" }).forRun("ws-1", "anthropic").search({ query: "mix", maxResults: 8 }, signal());
  expect(outcome.backend).toBe("Anthropic web search");
  expect(outcome.hits).toEqual([{ title: "Docs", url: "https://docs.mix.example/", snippet: "Mix docs." }]);
  expect(outcome.summary).toContain("Here is what I found.");
  expect(server.requests[0]!.headers["x-api-key"]).toBe("sk-ant-workspace");
  expect(server.requests[0]!.body.tools[0]).toMatchObject({ name: "web_search", blocked_domains: ["blocked.example"] });
});

it("judges Gemini's redirect links by the site they name", async () => {
  server.reply(
    geminiGroundedReply("mix", [
      { domain: "mix.example", token: "ok" },
      { domain: "evil.example", token: "bad" },
    ]),
  );
  const outcome = await service({ SEARCH_BLOCKED_DOMAINS: "evil.example" }).forRun("ws-1", "gemini").search({ query: "mix", maxResults: 8 }, signal());
  expect(outcome.hits.map((hit) => hit.title)).toEqual(["mix.example"]);
});

it("reports a provider failure and a missing key as SearchErrors", async () => {
  server.reply({ kind: "json", status: 500, body: { type: "error", error: { type: "api_error", message: "boom" } } });
  await expect(service().forRun("ws-1", "anthropic").search({ query: "mix", maxResults: 8 }, signal())).rejects.toThrow(/Anthropic web search failed: .*boom/);
  await expect(service().forRun("ws-1", "openai").search({ query: "mix", maxResults: 8 }, signal())).rejects.toThrow(/needs an API key for OpenAI/);
});

it("times out a provider that does not answer", async () => {
  server.reply({ kind: "sse", frames: [], holdOpen: true });
  await expect(service({ SEARCH_TIMEOUT_MS: "300" }).forRun("ws-1", "anthropic").search({ query: "mix", maxResults: 8 }, signal())).rejects.toThrow(
    /did not answer within 300 ms/,
  );
});
