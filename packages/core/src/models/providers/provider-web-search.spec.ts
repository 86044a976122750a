/**
 * Each provider's own web search against a local server answering in that API's JSON: the
 * request carries the provider's search tool (and the domain hints it takes), and the sources
 * come back with titles, URLs and, from Anthropic, the cited text.
 */
import {
  anthropicError,
  anthropicWebSearchError,
  anthropicWebSearchReply,
  FakeHttpServer,
  GEMINI_REDIRECT_PREFIX,
  geminiGroundedReply,
  openAiWebSearchReply,
} from "@mix/testing";
import { providerWebSearch, WEB_SEARCH_MODELS, type ProviderSearchQuery } from "./provider-web-search";

let server: FakeHttpServer;
beforeEach(async () => {
  server = await FakeHttpServer.start();
});
afterEach(() => server.close());

const RESULTS = [
  { title: "Mix docs", url: "https://docs.mix.example/", snippet: "Mix runs agents." },
  { title: "Mix blog", url: "https://blog.mix.example/post", snippet: "News about Mix." },
];
const query = (more: Partial<ProviderSearchQuery> = {}): ProviderSearchQuery => ({
  query: "what is mix",
  maxResults: 5,
  allowedDomains: [],
  blockedDomains: [],
  ...more,
});
const signal = () => new AbortController().signal;

describe("Anthropic web search", () => {
  const account = () => ({ kind: "anthropic" as const, apiKey: "sk-ant-test", baseURL: `${server.url}/v1` });

  it("sends the web_search tool with one use and the allow list, and returns sources with cited text", async () => {
    server.reply(anthropicWebSearchReply("what is mix", RESULTS, "Mix is an agent backend."));
    const result = await providerWebSearch(account(), query({ allowedDomains: ["mix.example"], blockedDomains: ["bad.example"] }), signal());
    expect(result.sources).toEqual([
      { url: "https://docs.mix.example/", title: "Mix docs", snippet: "Mix runs agents." },
      { url: "https://blog.mix.example/post", title: "Mix blog", snippet: "News about Mix." },
    ]);
    expect(result.text).toContain("Mix is an agent backend.");
    const sent = server.requests[0]!;
    expect(sent.path).toBe("/v1/messages");
    expect(sent.headers["x-api-key"]).toBe("sk-ant-test");
    expect(sent.body.model).toBe(WEB_SEARCH_MODELS.anthropic);
    expect(sent.body.stream).toBeFalsy();
    // Anthropic takes one of the two lists: the allow list is the narrower.
    expect(sent.body.tools).toEqual([{ type: "web_search_20250305", name: "web_search", max_uses: 1, allowed_domains: ["mix.example"] }]);
    expect(JSON.stringify(sent.body.messages)).toContain("what is mix");
  });

  it("sends the block list when there is no allow list, and a failed search yields no sources", async () => {
    server.reply(anthropicWebSearchError("max_uses_exceeded"));
    const result = await providerWebSearch(account(), query({ blockedDomains: ["bad.example"] }), signal());
    expect(result.sources).toEqual([]);
    expect(server.requests[0]!.body.tools[0]).toMatchObject({ name: "web_search", blocked_domains: ["bad.example"] });
  });

  it("throws the API's error", async () => {
    server.reply(anthropicError(401, "authentication_error", "invalid x-api-key"));
    await expect(providerWebSearch(account(), query(), signal())).rejects.toThrow(/invalid x-api-key/);
  });

  it("sends an OAuth token as a Bearer token", async () => {
    server.reply(anthropicWebSearchReply("q", RESULTS));
    await providerWebSearch({ ...account(), authMethod: "oauth" }, query(), signal());
    expect(server.requests[0]!.headers.authorization).toBe("Bearer sk-ant-test");
    expect(server.requests[0]!.headers["x-api-key"]).toBeUndefined();
  });
});

describe("OpenAI web search", () => {
  it("calls the Responses API with the web_search tool and returns the cited URLs", async () => {
    server.reply(openAiWebSearchReply("what is mix", RESULTS, "Mix is an agent backend."));
    const result = await providerWebSearch(
      { kind: "openai", apiKey: "sk-test", baseURL: `${server.url}/v1` },
      query({ allowedDomains: ["mix.example"] }),
      signal(),
    );
    // With the action's sources (which the SDK asks for) OpenAI names URLs only; the agent sees their hosts as titles.
    expect(result.sources).toEqual(RESULTS.map(({ url }) => ({ url })));
    expect(result.text).toBe("Mix is an agent backend.");
    const sent = server.requests[0]!;
    expect(sent.path).toBe("/v1/responses");
    expect(sent.headers.authorization).toBe("Bearer sk-test");
    expect(sent.body.model).toBe(WEB_SEARCH_MODELS.openai);
    expect(sent.body.tools).toEqual([expect.objectContaining({ type: "web_search", filters: { allowed_domains: ["mix.example"] } })]);
    expect(sent.body.include).toContain("web_search_call.action.sources");
  });
});

describe("Gemini Google Search grounding", () => {
  it("sends the googleSearch tool and returns the grounding links with the site they lead to", async () => {
    server.reply(geminiGroundedReply("what is mix", [{ domain: "mix.example", token: "AUZIYQ1" }], "Mix is an agent backend."));
    const result = await providerWebSearch({ kind: "gemini", apiKey: "gm-test", baseURL: `${server.url}/v1beta` }, query(), signal());
    expect(result.sources).toEqual([{ url: `${GEMINI_REDIRECT_PREFIX}AUZIYQ1`, title: "mix.example", site: "mix.example" }]);
    const sent = server.requests[0]!;
    expect(sent.path).toBe(`/v1beta/models/${WEB_SEARCH_MODELS.gemini}:generateContent`);
    expect(sent.headers["x-goog-api-key"]).toBe("gm-test");
    expect(sent.body.tools).toEqual([{ googleSearch: {} }]);
  });
});
