/** The domain rules: hostnames compared in one form, subdomains included, look-alikes not, the block list winning. */
import { DomainListError, DomainPolicy, hostWithin, normalizeDomain, parseDomainCsv, parseDomainList } from "./domain-rules";

const url = (text: string) => new URL(text);

describe("normalizeDomain", () => {
  it.each([
    ["example.com", "example.com"],
    ["EXAMPLE.Com", "example.com"],
    ["example.com.", "example.com"],
    ["  docs.example.com  ", "docs.example.com"],
    ["*.example.com", "example.com"],
    ["bücher.de", "xn--bcher-kva.de"],
    ["XN--BCHER-KVA.DE", "xn--bcher-kva.de"],
    ["例え.jp", "xn--r8jz45g.jp"],
  ])("%j is %j", (raw, expected) => {
    expect(normalizeDomain(raw)).toBe(expected);
  });

  it.each([
    "",
    ".",
    "https://example.com",
    "example.com/path",
    "example.com:443",
    "user@example.com",
    "exa mple.com",
    "-bad.com",
    "a..b",
    "a\u0000b.com",
    "x".repeat(64) + ".com",
  ])("refuses %j", (raw) => {
    expect(normalizeDomain(raw)).toBeNull();
  });
});

describe("hostWithin", () => {
  it("covers the domain and its subdomains, never a look-alike", () => {
    expect(hostWithin("example.com", "example.com")).toBe(true);
    expect(hostWithin("a.b.example.com", "example.com")).toBe(true);
    expect(hostWithin("evil-example.com", "example.com")).toBe(false);
    expect(hostWithin("example.com.evil.net", "example.com")).toBe(false);
    expect(hostWithin("notexample.com", "example.com")).toBe(false);
    expect(hostWithin("com", "example.com")).toBe(false);
  });
});

describe("parseDomainList", () => {
  it("normalizes, drops empty entries and duplicates", () => {
    expect(parseDomainCsv(" Example.com., ,docs.example.com,example.com", "SEARCH_ALLOWED_DOMAINS")).toEqual(["example.com", "docs.example.com"]);
    expect(parseDomainCsv("", "SEARCH_BLOCKED_DOMAINS")).toEqual([]);
  });

  it("names the list and the entry that is not a hostname", () => {
    expect(() => parseDomainList(["example.com", "https://evil.com/x"], "allowedDomains")).toThrow(DomainListError);
    expect(() => parseDomainList(["https://evil.com/x"], "allowedDomains")).toThrow(/^allowedDomains: "https:\/\/evil.com\/x" is not a hostname/);
  });
});

describe("DomainPolicy", () => {
  it("lets everything through without rules, except URLs without a usable host", () => {
    const policy = new DomainPolicy({ allowed: [], blocked: [] });
    expect(policy.permits(url("https://anything.example/"))).toBe(true);
    expect(policy.permits(url("http://[::1]/"))).toBe(false);
    expect(policy.permitsHost("")).toBe(false);
  });

  it("blocks a domain and its subdomains in any spelling, but not look-alikes", () => {
    const policy = new DomainPolicy({ allowed: [], blocked: ["example.com", "xn--bcher-kva.de"] });
    for (const blocked of ["https://example.com/", "https://WWW.EXAMPLE.COM/", "https://example.com./x", "https://a.b.example.com/", "https://bücher.de/"]) {
      expect({ blocked, permitted: policy.permits(url(blocked)) }).toEqual({ blocked, permitted: false });
    }
    for (const allowed of ["https://evil-example.com/", "https://example.com.evil.net/", "https://example.co/", "https://buecher.de/"]) {
      expect({ allowed, permitted: policy.permits(url(allowed)) }).toEqual({ allowed, permitted: true });
    }
  });

  it("lets the agent narrow the deployment's allow list, never widen it", () => {
    const policy = new DomainPolicy({ allowed: ["example.com"], blocked: [] }, { allowed: ["docs.example.com", "other.org"], blocked: [] });
    expect(policy.permits(url("https://docs.example.com/a"))).toBe(true);
    expect(policy.permits(url("https://www.example.com/"))).toBe(false);
    // Allowed by the agent, not by the deployment.
    expect(policy.permits(url("https://other.org/"))).toBe(false);
  });

  it("keeps the deployment's block list over any allow list, the agent's included", () => {
    const policy = new DomainPolicy({ allowed: ["example.com"], blocked: ["secret.example.com"] }, { allowed: ["secret.example.com"], blocked: [] });
    expect(policy.permits(url("https://secret.example.com/"))).toBe(false);
    expect(policy.permits(url("https://x.secret.example.com/"))).toBe(false);
    expect(new DomainPolicy({ allowed: [], blocked: [] }, { allowed: [], blocked: ["example.com"] }).permits(url("https://example.com/"))).toBe(false);
  });

  it("hints the narrowest allow list and every block list to a provider", () => {
    const policy = new DomainPolicy({ allowed: ["example.com"], blocked: ["a.com"] }, { allowed: ["docs.example.com"], blocked: ["b.com", "a.com"] });
    expect(policy.hints()).toEqual({ allowed: ["docs.example.com"], blocked: ["a.com", "b.com"] });
    expect(new DomainPolicy({ allowed: ["example.com"], blocked: [] }).hints()).toEqual({ allowed: ["example.com"], blocked: [] });
  });
});
