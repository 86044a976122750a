import { keyStatus } from "./key-expiry";

const at = (iso: string) => new Date(iso);
const now = at("2026-06-01T12:00:00Z");

describe("a key's status", () => {
  it("is active while neither revoked nor past its expiry", () => {
    expect(keyStatus({ revokedAt: null, expiresAt: null }, now)).toBe("active");
    expect(keyStatus({ revokedAt: null, expiresAt: at("2026-06-01T12:00:01Z") }, now)).toBe("active");
  });

  it("is expired from its expiry on, whether or not the expiry was noticed and marked yet", () => {
    expect(keyStatus({ revokedAt: null, expiresAt: now }, now)).toBe("expired");
    const expiresAt = at("2026-05-01T00:00:00Z");
    expect(keyStatus({ revokedAt: expiresAt, expiresAt }, now)).toBe("expired");
    // Revoked after it had expired: it ended by expiring.
    expect(keyStatus({ revokedAt: at("2026-05-02T00:00:00Z"), expiresAt }, now)).toBe("expired");
  });

  it("is revoked when revoked before its expiry, or without one", () => {
    expect(keyStatus({ revokedAt: at("2026-05-01T00:00:00Z"), expiresAt: null }, now)).toBe("revoked");
    expect(keyStatus({ revokedAt: at("2026-05-01T00:00:00Z"), expiresAt: at("2026-07-01T00:00:00Z") }, now)).toBe("revoked");
    expect(keyStatus({ revokedAt: at("2026-05-01T00:00:00Z"), expiresAt: at("2026-05-20T00:00:00Z") }, now)).toBe("revoked");
  });
});
