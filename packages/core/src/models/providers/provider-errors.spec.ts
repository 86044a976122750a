import { retryAfterMs } from "./provider-errors";

describe("retryAfterMs", () => {
  it("prefers retry-after-ms, then retry-after seconds, then an HTTP date", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(retryAfterMs({ "retry-after-ms": "250", "retry-after": "3" }, now)).toBe(250);
    expect(retryAfterMs({ "retry-after": "3" }, now)).toBe(3_000);
    expect(retryAfterMs({ "retry-after": "Wed, 01 Jan 2025 00:00:10 GMT" }, now)).toBe(10_000);
  });

  it("gives nothing for a missing or unreadable header", () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs({ "retry-after": "soon" })).toBeUndefined();
  });
});
