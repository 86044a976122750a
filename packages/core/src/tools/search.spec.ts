/** The Search tool: its input rules, its results and failures as the agent sees them, over a fake SearXNG. */
import type { PrismaClient } from "@mix/db";
import { FakeSearchServer, searxngReply } from "@mix/testing";
import { loadConfig } from "../config/config";
import { SearchService } from "../search/search-service";
import { offeredBuiltinTools, searchTool } from "./search";
import { BUILTIN_TOOLS } from "./tool-registry";
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";

let fake: FakeSearchServer;
let fixture: SessionDirFixture;
beforeEach(async () => {
  fake = await FakeSearchServer.start();
  fixture = await makeSessionDir();
});
afterEach(async () => {
  await fake.close();
  await fixture.cleanup();
});

const context = (env: Record<string, string> = {}) => ({
  ...fixture.context,
  search: new SearchService({
    config: loadConfig({
      DATABASE_URL: "postgresql://u@localhost:5432/db",
      SEARCH_PROVIDER: "searxng",
      SEARXNG_URL: fake.url,
      SEARCH_TIMEOUT_MS: "300",
      ...env,
    }),
    credentials: { resolve: async () => null },
    // SearXNG never reads the database.
    prisma: {} as PrismaClient,
  }).forRun("ws", "scripted"),
});

describe("the Search tool's input", () => {
  it.each([
    [{}, /query/],
    [{ query: "" }, /query/],
    [{ query: "   " }, /query/],
    [{ query: "x".repeat(401) }, /query/],
    [{ query: "a\u0000b" }, /control characters/],
    [{ query: "line\nbreak" }, /control characters/],
    [{ query: "q", maxResults: 0 }, /maxResults/],
    [{ query: "q", maxResults: 21 }, /maxResults/],
    [{ query: "q", maxResults: 2.5 }, /maxResults/],
    [{ query: "q", allowedDomains: Array.from({ length: 21 }, (_, i) => `d${i}.com`) }, /allowedDomains/],
    [{ query: "q", blockedDomains: [""] }, /blockedDomains/],
    [{ query: "q", extra: 1 }, /extra/],
  ])("refuses %j without searching", async (input, message) => {
    const result = await searchTool.run(input, context());
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/^Invalid input for Search/);
    expect(result.output).toMatch(message);
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses a domain that is not a hostname, saying which", async () => {
    const result = await searchTool.run({ query: "q", blockedDomains: ["http://evil.com/"] }, context());
    expect(result).toEqual({ isError: true, output: expect.stringMatching(/^Search failed: blockedDomains: "http:\/\/evil.com\/" is not a hostname/) });
  });
});

describe("the Search tool's results", () => {
  it("returns a numbered list of at most maxResults, 8 by default", async () => {
    const results = Array.from({ length: 12 }, (_, i) => ({ title: `Result ${i + 1}`, url: `https://r${i + 1}.example/`, snippet: `About ${i + 1}` }));
    fake.reply(searxngReply("mix", results)).reply(searxngReply("mix", results));
    const byDefault = await searchTool.run({ query: "  mix  " }, context());
    expect(byDefault.isError).toBe(false);
    expect(byDefault.output.split("\n")[0]).toBe('Search results for "mix" (SearXNG):');
    expect(byDefault.output).toContain("8. Result 8\n   https://r8.example/\n   About 8");
    expect(byDefault.output).not.toContain("9. ");
    expect(fake.requests[0]!.query.get("q")).toBe("mix");
    const two = await searchTool.run({ query: "mix", maxResults: 2 }, context());
    expect(two.output).toBe(
      'Search results for "mix" (SearXNG):\n1. Result 1\n   https://r1.example/\n   About 1\n2. Result 2\n   https://r2.example/\n   About 2',
    );
  });

  it("keeps hostile results out: other schemes, blocked hosts, markup", async () => {
    fake.reply(
      searxngReply("q", [
        { title: "<script>alert(1)</script>Click", url: "javascript:alert(document.cookie)", snippet: "x" },
        { title: "Blocked", url: "https://ads.tracker.example/", snippet: "x" },
        { title: "Good <b>one</b>", url: "https://good.example/", snippet: "fine\u0000 text" },
      ]),
    );
    const result = await searchTool.run({ query: "q" }, context({ SEARCH_BLOCKED_DOMAINS: "tracker.example" }));
    expect(result.output).toBe('Search results for "q" (SearXNG):\n1. Good one\n   https://good.example/\n   fine text');
  });

  it("reports a hanging or broken search API as an error result", async () => {
    fake.reply({ kind: "hang" });
    expect(await searchTool.run({ query: "q" }, context())).toEqual({ isError: true, output: "Search failed: SearXNG did not answer within 300 ms" });
    fake.reply({ kind: "raw", status: 502, contentType: "text/html", body: "<h1>Bad gateway</h1>" });
    expect(await searchTool.run({ query: "q" }, context())).toEqual({ isError: true, output: "Search failed: SearXNG answered 502: <h1>Bad gateway</h1>" });
  });

  it("says so when the run has no search", async () => {
    expect(await searchTool.run({ query: "q" }, fixture.context)).toEqual({ isError: true, output: expect.stringMatching(/Search is not available here/) });
  });
});

describe("offeredBuiltinTools", () => {
  it("leaves Search out only with SEARCH_PROVIDER=none", () => {
    const names = (provider: string) =>
      offeredBuiltinTools(BUILTIN_TOOLS, loadConfig({ DATABASE_URL: "postgresql://u@localhost:5432/db", SEARCH_PROVIDER: provider })).map((t) => t.name);
    expect(names("none")).not.toContain("Search");
    expect(names("none")).toHaveLength(BUILTIN_TOOLS.length - 1);
    for (const provider of ["auto", "searxng", "brave"]) expect(names(provider)).toContain("Search");
  });
});
