/**
 * The SearXNG and Brave backends against local servers speaking their JSON, chosen by
 * SEARCH_PROVIDER: what is sent, what comes back, and every failure as a SearchError.
 */
import type { PrismaClient } from "@mix/db";
import { braveError, braveReply, FakeSearchServer, searxngReply } from "@mix/testing";
import { loadConfig, type Config } from "../config/config";
import { SearchService, type SearchCall } from "./search-service";
import { SearchError } from "./search-types";

let fake: FakeSearchServer;
beforeEach(async () => {
  fake = await FakeSearchServer.start();
});
afterEach(() => fake.close());

const BRAVE_KEY = "BSA-fake-key";
const noSignal = () => new AbortController().signal;
const call = (query: string, more: Partial<SearchCall> = {}): SearchCall => ({ query, maxResults: 8, ...more });
// These paths never reach the database: only a provider's own search reads a credential's auth method.
const NO_DATABASE = {} as PrismaClient;

function service(env: Record<string, string>, keys: { brave?: string } = {}) {
  const config: Config = loadConfig({ DATABASE_URL: "postgresql://u@localhost:5432/db", SEARCH_TIMEOUT_MS: "500", ...env });
  const credentials = { resolve: async (_workspaceId: string, provider: string) => (provider === "brave" ? (keys.brave ?? null) : null) };
  return new SearchService({ config, credentials, prisma: NO_DATABASE });
}

const searxng = (env: Record<string, string> = {}) => service({ SEARCH_PROVIDER: "searxng", SEARXNG_URL: fake.url, ...env }).forRun("ws", "scripted");
const brave = () => service({ SEARCH_PROVIDER: "brave", BRAVE_SEARCH_BASE_URL: fake.url }, { brave: BRAVE_KEY }).forRun("ws", "scripted");

describe("SearXNG", () => {
  it("asks GET /search?q=…&format=json and returns the cleaned results", async () => {
    fake.reply(
      searxngReply("mix & match", [
        { title: "Mix", url: "https://mix.example/", snippet: "The <b>mix</b> page" },
        { title: "Evil", url: "javascript:alert(1)", snippet: "x" },
      ]),
    );
    const outcome = await searxng().search(call("mix & match"), noSignal());
    expect(outcome).toEqual({ backend: "SearXNG", hits: [{ title: "Mix", url: "https://mix.example/", snippet: "The mix page" }] });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ method: "GET", path: "/search" });
    expect(Object.fromEntries(fake.requests[0]!.query)).toEqual({ q: "mix & match", format: "json" });
  });

  it("keeps a path in SEARXNG_URL (an instance under a prefix)", async () => {
    fake.reply(searxngReply("q", []));
    await searxng({ SEARXNG_URL: `${fake.url}/searx/` }).search(call("q"), noSignal());
    expect(fake.requests[0]!.path).toBe("/searx/search");
  });

  it("applies the deployment's and the call's domain rules", async () => {
    const results = ["https://example.com/", "https://docs.example.com/", "https://evil-example.com/", "https://blocked.org/"].map((url) => ({
      title: url,
      url,
      snippet: "",
    }));
    fake.reply(searxngReply("q", results)).reply(searxngReply("q", results));
    const rules = searxng({ SEARCH_BLOCKED_DOMAINS: "blocked.org" });
    expect((await rules.search(call("q"), noSignal())).hits.map((hit) => hit.url)).toEqual(results.slice(0, 3).map((result) => result.url));
    const narrowed = await rules.search(call("q", { allowedDomains: ["Example.COM."], blockedDomains: ["docs.example.com"] }), noSignal());
    expect(narrowed.hits.map((hit) => hit.url)).toEqual(["https://example.com/"]);
  });

  it("refuses a call's domain that is not a hostname before searching", async () => {
    await expect(searxng().search(call("q", { allowedDomains: ["https://x.com/"] }), noSignal())).rejects.toThrow(
      /allowedDomains: "https:\/\/x.com\/" is not a hostname/,
    );
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    ["a non-2xx answer", { kind: "json" as const, status: 403, body: { error: "format not allowed" } }, /SearXNG answered 403: .*format not allowed/],
    ["malformed JSON", { kind: "raw" as const, body: '{"results": [' }, /SearXNG answered with malformed JSON/],
    ["HTML instead of JSON", { kind: "raw" as const, contentType: "text/html", body: "<html>hi</html>" }, /malformed JSON/],
    ["JSON without results", { kind: "json" as const, body: { query: "q" } }, /SearXNG answered without a results list/],
    ["JSON null", { kind: "json" as const, body: null }, /without a results list/],
    ["no answer at all", { kind: "hang" as const }, /SearXNG did not answer within 500 ms/],
  ])("reports %s as a SearchError", async (_what, reply, message) => {
    fake.reply(reply);
    const error = await searxng()
      .search(call("q"), noSignal())
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SearchError);
    expect((error as Error).message).toMatch(message);
  });

  it("reports a server that is not there", async () => {
    const url = fake.url;
    await fake.close();
    fake = await FakeSearchServer.start();
    await expect(searxng({ SEARXNG_URL: url }).search(call("q"), noSignal())).rejects.toThrow(/SearXNG could not be reached/);
  });

  it("stops with the run's own abort reason when the run is cancelled", async () => {
    fake.reply({ kind: "hang" });
    const controller = new AbortController();
    const searching = searxng({ SEARCH_TIMEOUT_MS: "10000" }).search(call("q"), controller.signal);
    controller.abort(new Error("cancelled by the user"));
    await expect(searching).rejects.toThrow("cancelled by the user");
  });
});

describe("Brave Search", () => {
  it("sends the key in X-Subscription-Token and asks for more results than shown", async () => {
    fake.reply(braveReply("mix", [{ title: "Mix <strong>docs</strong>", url: "https://mix.example/docs", snippet: "All about <strong>mix</strong>" }]));
    const outcome = await brave().search(call("mix", { maxResults: 5 }), noSignal());
    expect(outcome).toEqual({ backend: "Brave Search", hits: [{ title: "Mix docs", url: "https://mix.example/docs", snippet: "All about mix" }] });
    expect(fake.requests[0]).toMatchObject({ method: "GET", path: "/res/v1/web/search" });
    expect(fake.requests[0]!.headers["x-subscription-token"]).toBe(BRAVE_KEY);
    expect(Object.fromEntries(fake.requests[0]!.query)).toEqual({ q: "mix", count: "10" });
  });

  it("reads an answer without a web section as no results", async () => {
    fake.reply(braveReply("nothing", []));
    expect(await brave().search(call("nothing"), noSignal())).toEqual({ backend: "Brave Search", hits: [] });
  });

  it("reports Brave's errors and malformed answers", async () => {
    fake.reply(braveError(401, "SUBSCRIPTION_TOKEN_INVALID", "The provided subscription token is invalid."));
    await expect(brave().search(call("q"), noSignal())).rejects.toThrow(/Brave Search answered 401: .*SUBSCRIPTION_TOKEN_INVALID/);
    fake.reply({ kind: "json", body: { web: { results: "nope" } } });
    await expect(brave().search(call("q"), noSignal())).rejects.toThrow(/Brave Search answered without a web results list/);
    fake.reply({ kind: "json", body: [1, 2] });
    await expect(brave().search(call("q"), noSignal())).rejects.toThrow(/other than a search response/);
  });
});

describe("choosing the backend", () => {
  it("auto: a provider without its own search uses SearXNG, else Brave, else says what to configure", async () => {
    fake.always(searxngReply("q", [{ title: "S", url: "https://s.example/", snippet: "" }]));
    expect((await service({ SEARXNG_URL: fake.url }).forRun("ws", "openrouter").search(call("q"), noSignal())).backend).toBe("SearXNG");
    fake.always(braveReply("q", [{ title: "B", url: "https://b.example/", snippet: "" }]));
    expect((await service({ BRAVE_SEARCH_BASE_URL: fake.url }, { brave: BRAVE_KEY }).forRun("ws", "scripted").search(call("q"), noSignal())).backend).toBe(
      "Brave Search",
    );
    await expect(service({}).forRun("ws", "openai-compatible").search(call("q"), noSignal())).rejects.toThrow(
      /no backend here: this session's model provider \(OpenAI-compatible server\) has no web search of its own.*SEARXNG_URL.*BRAVE_API_KEY/,
    );
  });

  it("makes no paid provider search for a workspace out of credits, and leaves free backends to it", async () => {
    const credits = { refusal: async () => "The workspace's credits are used up" };
    const config: Config = loadConfig({ DATABASE_URL: "postgresql://u@localhost:5432/db", SEARCH_TIMEOUT_MS: "500", SEARXNG_URL: fake.url });
    const broke = new SearchService({ config, credentials: { resolve: async () => null }, prisma: NO_DATABASE, credits });
    await expect(broke.forRun("ws", "anthropic").search(call("q"), noSignal())).rejects.toThrow(
      new SearchError("Search would use the model provider's paid web search: The workspace's credits are used up"),
    );
    // The deployment's own SearXNG costs the workspace nothing.
    fake.always(searxngReply("q", [{ title: "S", url: "https://s.example/", snippet: "" }]));
    expect((await broke.forRun("ws", "openrouter").search(call("q"), noSignal())).backend).toBe("SearXNG");
  });

  it("says what is missing for searxng, brave and none", async () => {
    await expect(service({ SEARCH_PROVIDER: "searxng" }).forRun("ws", "scripted").search(call("q"), noSignal())).rejects.toThrow(/no SEARXNG_URL/);
    await expect(service({ SEARCH_PROVIDER: "brave" }).forRun("ws", "scripted").search(call("q"), noSignal())).rejects.toThrow(/there is no Brave key/);
    await expect(service({ SEARCH_PROVIDER: "none" }).forRun("ws", "scripted").search(call("q"), noSignal())).rejects.toThrow(/SEARCH_PROVIDER=none/);
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses a configured domain list that is not hostnames, naming the variable", () => {
    expect(() => service({ SEARCH_BLOCKED_DOMAINS: "good.com,http://bad.com" })).toThrow(/^SEARCH_BLOCKED_DOMAINS: "http:\/\/bad.com"/);
    expect(() => loadConfig({ DATABASE_URL: "postgresql://u@localhost:5432/db", SEARCH_PROVIDER: "google" })).toThrow(/SEARCH_PROVIDER/);
    expect(() => loadConfig({ DATABASE_URL: "postgresql://u@localhost:5432/db", SEARXNG_URL: "ftp://x" })).toThrow(/SEARXNG_URL/);
  });
});
