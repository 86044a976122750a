/** safe-path: every way a request could name a file outside its session folder. */
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AppError } from "../errors/app-error";
import { checkRelativeName, decodePathOnce, isInside, resolveInside } from "./safe-path";

const refused = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    return;
  }
  throw new Error("expected a 400");
};

describe("checkRelativeName", () => {
  it.each(["report.pdf", "a b.txt", "..hidden-but-not-parent", "%2e%2e", "ünïcode.md"])("accepts the plain name %j", (name) => {
    expect(checkRelativeName(name, { nested: false })).toEqual([name]);
  });

  it("accepts nested names only when asked", () => {
    expect(checkRelativeName("out/charts/a.png", { nested: true })).toEqual(["out", "charts", "a.png"]);
    refused(() => checkRelativeName("out/a.png", { nested: false }));
  });

  it.each(["", ".", "..", "../x", "a/../../x", "a/./b", "a//b", "a/", "/etc/passwd", "a\\..\\b", "a\0b", "a\nb", "a\u007fb", ".thumbs", ".uploads/x"])(
    "refuses %j",
    (name) => refused(() => checkRelativeName(name, { nested: true })),
  );
});

describe("isInside", () => {
  const root = path.resolve(os.tmpdir(), "session");
  it.each(["", "...", "..notes", "a/..b", "a/...", ".../x"])("counts %j below the folder as inside", (name) => {
    expect(isInside(root, path.join(root, name))).toBe(true);
  });

  it.each(["..", "../x", "../session-other", "../../etc"])("counts %j as outside", (name) => {
    expect(isInside(root, path.resolve(root, name))).toBe(false);
  });

  it("counts another absolute tree as outside", () => expect(isInside(root, path.parse(root).root)).toBe(false));
});

describe("decodePathOnce", () => {
  it("decodes one layer, so encoded traversal is caught and double encoding stays literal", () => {
    expect(decodePathOnce("..%2F..%2Fetc%2Fpasswd")).toBe("../../etc/passwd");
    refused(() => checkRelativeName(decodePathOnce("..%2F..%2Fetc%2Fpasswd"), { nested: true }));
    refused(() => checkRelativeName(decodePathOnce("%2e%2e/x"), { nested: true }));
    refused(() => checkRelativeName(decodePathOnce("%2Fetc%2Fpasswd"), { nested: true }));
    refused(() => checkRelativeName(decodePathOnce("a%00b"), { nested: true }));
    expect(checkRelativeName(decodePathOnce("%252e%252e"), { nested: true })).toEqual(["%2e%2e"]);
  });

  it("refuses malformed percent-encoding", () => refused(() => decodePathOnce("%E0%A4%A")));
});

describe("resolveInside", () => {
  let base: string;
  let sessionDir: string;
  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), "safe-path-"));
    sessionDir = path.join(base, "session");
    await mkdir(path.join(sessionDir, "sub"), { recursive: true });
    await writeFile(path.join(base, "secret.txt"), "secret");
    await writeFile(path.join(sessionDir, "sub", "ok.txt"), "ok");
    await symlink(path.join(base, "secret.txt"), path.join(sessionDir, "leak.txt"));
    await symlink(base, path.join(sessionDir, "up"));
    await symlink(path.join(base, "missing.txt"), path.join(sessionDir, "dangling.txt"));
    await symlink(path.join(sessionDir, "sub", "ok.txt"), path.join(sessionDir, "inner-link.txt"));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  const rejects = (name: string) => expect(resolveInside(sessionDir, name, { nested: true })).rejects.toMatchObject({ status: 400 });

  it("resolves existing and new names inside the folder", async () => {
    await expect(resolveInside(sessionDir, "sub/ok.txt", { nested: true })).resolves.toMatch(/sub[/\\]ok\.txt$/);
    await expect(resolveInside(sessionDir, "new/deep/file.txt", { nested: true })).resolves.toMatch(/file\.txt$/);
    await expect(resolveInside(sessionDir, "inner-link.txt", { nested: true })).resolves.toMatch(/inner-link\.txt$/);
  });

  it("refuses a link to a file outside", () => rejects("leak.txt"));
  it("refuses a path through a linked folder outside", () => rejects("up/secret.txt"));
  it("refuses a new name below a linked folder outside", () => rejects("up/new.txt"));
  it("refuses a dangling link", () => rejects("dangling.txt"));

  it("resolves names that begin with '..' but are not '..'", async () => {
    for (const name of ["...", "..notes", "sub/..b"]) {
      await expect(resolveInside(sessionDir, name, { nested: true })).resolves.toBe(path.join(await realpath(sessionDir), ...name.split("/")));
    }
  });
});
