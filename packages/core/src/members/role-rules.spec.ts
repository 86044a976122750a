import type { Role } from "../contracts";
import { AppError } from "../errors/app-error";
import { assertKeyWithinMember, assertMayChangeRole, assertMayGrant, assertMayManage, assertMayRevoke, assertOwnerRemains } from "./role-rules";

const ROLES: Role[] = ["owner", "admin", "member", "read_only"];

function outcome(check: () => void): number | "ok" {
  try {
    check();
    return "ok";
  } catch (error) {
    if (error instanceof AppError) return error.status;
    throw error;
  }
}

describe("granting a role (a new member or key)", () => {
  it("is an owner's for every role, an admin's for member and read_only, nobody else's", () => {
    const table = Object.fromEntries(ROLES.map((actor) => [actor, ROLES.map((role) => outcome(() => assertMayGrant(actor, role)))]));
    expect(table).toEqual({
      owner: ["ok", "ok", "ok", "ok"],
      admin: [403, 403, "ok", "ok"],
      member: [403, 403, 403, 403],
      read_only: [403, 403, 403, 403],
    });
  });
});

describe("changing or removing a member", () => {
  it("of an admin or owner takes an owner", () => {
    expect(outcome(() => assertMayManage("admin", "owner"))).toBe(403);
    expect(outcome(() => assertMayManage("admin", "admin"))).toBe(403);
    expect(outcome(() => assertMayManage("admin", "member"))).toBe("ok");
    expect(outcome(() => assertMayManage("owner", "admin"))).toBe("ok");
    expect(outcome(() => assertMayManage("member", "read_only"))).toBe(403);
  });

  it("to another role needs both: managing the old one and granting the new one", () => {
    expect(outcome(() => assertMayChangeRole("admin", "read_only", "member"))).toBe("ok");
    expect(outcome(() => assertMayChangeRole("admin", "member", "admin"))).toBe(403);
    expect(outcome(() => assertMayChangeRole("admin", "admin", "member"))).toBe(403);
    expect(outcome(() => assertMayChangeRole("owner", "owner", "read_only"))).toBe("ok");
  });

  it("never leaves a workspace without an owner", () => {
    expect(outcome(() => assertOwnerRemains(0))).toBe(409);
    expect(outcome(() => assertOwnerRemains(1))).toBe("ok");
  });
});

describe("a member's key", () => {
  it("has at most its member's role (400 otherwise)", () => {
    expect(outcome(() => assertKeyWithinMember("member", "member"))).toBe("ok");
    expect(outcome(() => assertKeyWithinMember("member", "read_only"))).toBe("ok");
    expect(outcome(() => assertKeyWithinMember("member", "admin"))).toBe(400);
    expect(outcome(() => assertKeyWithinMember("read_only", "member"))).toBe(400);
    expect(outcome(() => assertKeyWithinMember("owner", "owner"))).toBe("ok");
  });
});

describe("revoking a key", () => {
  const key = (role: Role) => ({ id: "key-1", role });

  it("of an admin or owner takes an owner, of a member or read_only an admin", () => {
    expect(outcome(() => assertMayRevoke({ role: "admin", apiKeyId: "mine" }, key("owner")))).toBe(403);
    expect(outcome(() => assertMayRevoke({ role: "admin", apiKeyId: "mine" }, key("admin")))).toBe(403);
    expect(outcome(() => assertMayRevoke({ role: "admin", apiKeyId: "mine" }, key("member")))).toBe("ok");
    expect(outcome(() => assertMayRevoke({ role: "owner", apiKeyId: "mine" }, key("owner")))).toBe("ok");
    expect(outcome(() => assertMayRevoke({ role: "member", apiKeyId: "mine" }, key("read_only")))).toBe(403);
  });

  it("is always allowed for the key itself", () => {
    expect(outcome(() => assertMayRevoke({ role: "admin", apiKeyId: "key-1" }, key("admin")))).toBe("ok");
    expect(outcome(() => assertMayRevoke({ role: "read_only", apiKeyId: "key-1" }, key("read_only")))).toBe("ok");
    // The system (no key of its own) is not "the key itself".
    expect(outcome(() => assertMayRevoke({ role: "member", apiKeyId: null }, { id: "key-1", role: "member" }))).toBe(403);
  });
});
