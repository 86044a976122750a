/** Results as the agent reads them: cleaned, filtered, numbered, bounded. */
import { DomainPolicy } from "./domain-rules";
import { MAX_RESULTS_TEXT_CHARS, MAX_SNIPPET_CHARS, cleanHits, formatResults, plainText, webUrl } from "./search-results";

const open = new DomainPolicy({ allowed: [], blocked: [] });

describe("cleanHits", () => {
  it("keeps http(s) URLs only, each once, up to the maximum", () => {
    const hits = cleanHits(
      [
        { title: "One", url: "https://one.example/", snippet: "first" },
        { title: "Script", url: "javascript:alert(1)", snippet: "x" },
        { title: "Data", url: "data:text/html,<script>x</script>", snippet: "x" },
        { title: "File", url: "file:///etc/passwd", snippet: "x" },
        { title: "Ftp", url: "ftp://files.example/", snippet: "x" },
        { title: "Broken", url: "http://", snippet: "x" },
        { title: "Not text", url: 42, snippet: "x" },
        { title: "Again", url: "https://one.example/", snippet: "dup" },
        { title: "Two", url: "http://two.example/page", snippet: "second" },
        { title: "Three", url: "https://three.example/", snippet: "third" },
      ],
      open,
      2,
    );
    expect(hits).toEqual([
      { title: "One", url: "https://one.example/", snippet: "first" },
      { title: "Two", url: "http://two.example/page", snippet: "second" },
    ]);
  });

  it("drops results the domain rules refuse, checking a redirect's site rather than its host", () => {
    const policy = new DomainPolicy({ allowed: [], blocked: ["example.com"] });
    const hits = cleanHits(
      [
        { title: "Blocked", url: "https://www.example.com/" },
        { title: "Look-alike", url: "https://evil-example.com/" },
        { title: "Redirect to blocked", url: "https://redirect.example.net/abc", site: "Example.com" },
        { title: "Redirect nameless", url: "https://redirect.example.net/def", site: "" },
        { title: "Redirect fine", url: "https://redirect.example.net/ghi", site: "fine.org" },
      ],
      policy,
      10,
    );
    expect(hits.map((hit) => hit.title)).toEqual(["Look-alike", "Redirect fine"]);
  });

  it("strips markup, entities and control characters, and bounds snippets; a missing title becomes the host", () => {
    const [hit] = cleanHits(
      [{ title: "", url: "https://a.example/", snippet: `<strong>Bold</strong> &amp; \u0000NUL\nline\u202eRTL ${"x".repeat(2_000)}` }],
      open,
      1,
    );
    expect(hit!.title).toBe("a.example");
    expect(hit!.snippet.startsWith("Bold & NUL line RTL x")).toBe(true);
    expect([...hit!.snippet].filter((char) => char.charCodeAt(0) < 0x20 || char === "\u202e")).toEqual([]);
    expect(hit!.snippet.length).toBeLessThanOrEqual(MAX_SNIPPET_CHARS);
    expect(plainText(undefined, 10)).toBe("");
    expect(webUrl("https://" + "a".repeat(3_000) + ".com")).toBeNull();
  });
});

describe("formatResults", () => {
  it("numbers the results with title, URL and snippet", () => {
    const text = formatResults("mix agent", "SearXNG", [
      { title: "One", url: "https://one.example/", snippet: "first" },
      { title: "Two", url: "https://two.example/", snippet: "" },
    ]);
    expect(text).toBe('Search results for "mix agent" (SearXNG):\n1. One\n   https://one.example/\n   first\n2. Two\n   https://two.example/');
  });

  it("says when there are none, and adds a provider's summary", () => {
    expect(formatResults("q", "Brave Search", [])).toBe('Search results for "q" (Brave Search):\nNo results.');
    expect(formatResults("q", "Anthropic web search", [{ title: "T", url: "https://t.example/", snippet: "" }], "It is <b>so</b>.")).toMatch(
      /\n\nSummary by the search provider: It is so\.$/,
    );
  });

  it("stays within its size bound, saying how many results it left out", () => {
    const hits = Array.from({ length: 40 }, (_, i) => ({
      title: "T".repeat(200),
      url: `https://site${i}.example/${"p".repeat(500)}`,
      snippet: "s".repeat(500),
    }));
    const text = formatResults("q", "SearXNG", hits);
    expect(text.length).toBeLessThanOrEqual(MAX_RESULTS_TEXT_CHARS + 100);
    expect(text).toMatch(/\(\d+ more results left out to keep this short\)$/);
  });
});
