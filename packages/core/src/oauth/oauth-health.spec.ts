import { formatDuration, oauthHealth } from "./oauth-health";

const now = new Date("2030-01-01T00:00:00Z");
const inMs = (ms: number) => new Date(now.getTime() + ms);
const credential = (expiresInMs: number | null, hasRefreshToken = true) => ({
  provider: "anthropic",
  expiresAt: expiresInMs === null ? null : inMs(expiresInMs),
  hasRefreshToken,
  updatedAt: now,
});

describe("formatDuration", () => {
  it("writes hours, minutes and seconds like Go", () => {
    expect(formatDuration((2 * 3600 + 30 * 60 + 15) * 1000)).toBe("2h30m15s");
    expect(formatDuration(4 * 60_000)).toBe("4m0s");
    expect(formatDuration(9_999)).toBe("9s");
    expect(formatDuration(-5_000)).toBe("0s");
  });
});

describe("oauthHealth", () => {
  it("is healthy with no OAuth credentials, and says not_found", () => {
    expect(oauthHealth([], now)).toEqual({
      status: "healthy",
      providers: { anthropic: { provider: "anthropic", status: "not_found" } },
      timestamp: now.toISOString(),
    });
  });

  it("marks a token expired 5 minutes early: degraded when refreshable, unhealthy when not", () => {
    expect(oauthHealth([credential(3600_000)], now).providers["anthropic"]).toMatchObject({ status: "active", expires_in: "1h0m0s" });
    expect(oauthHealth([credential(4 * 60_000)], now)).toMatchObject({
      status: "degraded",
      providers: { anthropic: { status: "expired", expires_in: "4m0s" } },
    });
    expect(oauthHealth([credential(-1_000, false)], now)).toMatchObject({ status: "unhealthy", providers: { anthropic: { status: "expired_no_refresh" } } });
    expect(oauthHealth([credential(null)], now).providers["anthropic"]).toEqual({ provider: "anthropic", status: "active", last_refresh: now.toISOString() });
  });
});
