/** writeFileAtomic on a real folder: links at or above the target never lead the write anywhere else. */
import { link, lstat, mkdir, readFile, rename, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { writeExclusive, writeFileAtomic } from "./atomic-write";
import { Folder } from "./verified-folder";
import { entries, IS_ROOT, makeStorage, OTHER_OWNER, type StorageFixture } from "../../test/helpers/storage-fixture";

let fx: StorageFixture;
beforeEach(async () => {
  fx = await makeStorage();
});
afterEach(() => fx.cleanup());

const inSession = (name: string) => path.join(fx.session, name);

describe("writeFileAtomic", () => {
  it("writes a new file, creating missing folders, with mode 0644 unless given", async () => {
    await writeFileAtomic(fx.session, "a/b/c.txt", "hello");
    expect(await readFile(inSession("a/b/c.txt"), "utf8")).toBe("hello");
    expect((await stat(inSession("a/b/c.txt"))).mode & 0o777).toBe(0o644);
    await writeFileAtomic(fx.session, inSession("private.txt"), Buffer.from("x"), { mode: 0o600 });
    expect((await stat(inSession("private.txt"))).mode & 0o777).toBe(0o600);
    expect(await entries(inSession("a/b"))).toEqual(["c.txt"]);
  });

  it("streams a Readable", async () => {
    await writeFileAtomic(fx.session, "s.bin", Readable.from([Buffer.from("ab"), Buffer.from("cd")]));
    expect(await readFile(inSession("s.bin"), "utf8")).toBe("abcd");
  });

  it("replaces a hard link at the target instead of writing through it", async () => {
    await link(fx.secret, inSession("hard.txt"));
    await writeFileAtomic(fx.session, "hard.txt", "replaced");
    expect(await readFile(fx.secret, "utf8")).toBe("TOP SECRET");
    expect(await readFile(inSession("hard.txt"), "utf8")).toBe("replaced");
    expect((await stat(inSession("hard.txt"))).ino).not.toBe((await stat(fx.secret)).ino);
  });

  it("replaces a symlink at the target instead of following it", async () => {
    await symlink(fx.secret, inSession("soft.txt"));
    await symlink(path.join(fx.outside, "new.txt"), inSession("dangling.txt"));
    await writeFileAtomic(fx.session, "soft.txt", "replaced");
    await writeFileAtomic(fx.session, "dangling.txt", "replaced");
    expect(await readFile(fx.secret, "utf8")).toBe("TOP SECRET");
    expect(await entries(fx.outside)).toEqual(["secret.txt"]);
    expect((await lstat(inSession("soft.txt"))).isFile()).toBe(true);
    expect(await readFile(inSession("soft.txt"), "utf8")).toBe("replaced");
  });

  it("refuses a parent folder that is a link to outside, by either spelling of the path", async () => {
    await symlink(fx.outside, inSession("up"));
    await expect(writeFileAtomic(fx.session, "up/x.txt", "x")).rejects.toMatchObject({ status: 400 });
    await expect(writeFileAtomic(fx.session, inSession("up/deeper/x.txt"), "x")).rejects.toMatchObject({ status: 400 });
    await expect(writeFileAtomic(fx.session, path.join(fx.outside, "x.txt"), "x")).rejects.toMatchObject({ status: 400 });
    await expect(writeFileAtomic(fx.session, "../outside/x.txt", "x")).rejects.toMatchObject({ status: 400 });
    expect(await entries(fx.outside)).toEqual(["secret.txt"]);
  });

  it("follows a folder link that stays inside the session folder", async () => {
    await mkdir(inSession("real"));
    await symlink(inSession("real"), inSession("alias"));
    await writeFileAtomic(fx.session, "alias/x.txt", "x");
    expect(await readFile(inSession("real/x.txt"), "utf8")).toBe("x");
  });

  it("fails with EISDIR on a folder and ENOTDIR below a file, leaving nothing behind", async () => {
    await mkdir(inSession("dir"));
    await writeFile(inSession("file"), "f");
    await expect(writeFileAtomic(fx.session, "dir", "x")).rejects.toMatchObject({ code: "EISDIR" });
    await expect(writeFileAtomic(fx.session, "file/x.txt", "x")).rejects.toMatchObject({ code: "ENOTDIR" });
    expect(await entries(fx.session)).toEqual(["dir", "file"]);
    expect(await entries(inSession("dir"))).toEqual([]);
  });

  it("refuses more than maxBytes with 413, keeping the old file and no temporary file", async () => {
    await writeFile(inSession("t.txt"), "old");
    const big = Readable.from([Buffer.alloc(6), Buffer.alloc(6)]);
    await expect(writeFileAtomic(fx.session, "t.txt", big, { maxBytes: 10 })).rejects.toMatchObject({ status: 413 });
    await expect(writeFileAtomic(fx.session, "t.txt", "x".repeat(11), { maxBytes: 10 })).rejects.toMatchObject({ status: 413 });
    expect(await readFile(inSession("t.txt"), "utf8")).toBe("old");
    expect(await entries(fx.session)).toEqual(["t.txt"]);
  });

  it("removes the temporary file when the source fails midway", async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from("part"));
        this.destroy(new Error("source broke"));
      },
    });
    await expect(writeFileAtomic(fx.session, "broken.txt", failing)).rejects.toThrow("source broke");
    expect(await entries(fx.session)).toEqual([]);
  });

  it("gives the files and folders it creates to the owner, and only those", async () => {
    // chown to another user needs root; the CI runs as root.
    if (!IS_ROOT) return;
    await mkdir(inSession("existing"));
    await writeFileAtomic(fx.session, "existing/new/f.txt", "x", { owner: OTHER_OWNER });
    for (const made of ["existing/new", "existing/new/f.txt"]) {
      expect(await stat(inSession(made))).toMatchObject({ uid: OTHER_OWNER.uid, gid: OTHER_OWNER.gid });
    }
    expect((await stat(inSession("existing"))).uid).toBe(0);
  });
});

describe("the opened folder (openat emulation)", () => {
  it("keeps writing into the folder it opened after that folder is swapped for a link to outside", async () => {
    await mkdir(inSession("work"));
    const folder = await Folder.openBelow(fx.session, ["work"]);
    try {
      // What a sandbox could do between the check and the write.
      await rename(inSession("work"), inSession("moved"));
      await symlink(fx.outside, inSession("work"));
      await writeExclusive(folder.child("x.txt"), "x");
    } finally {
      await folder.close();
    }
    expect(await entries(fx.outside)).toEqual(["secret.txt"]);
    expect(await readFile(inSession("moved/x.txt"), "utf8")).toBe("x");
  });

  it("checks where a folder really is from the opened fd, not from the path asked for", async () => {
    await symlink(fx.outside, inSession("up"));
    await mkdir(inSession("in"));
    await symlink("in", inSession("in-link"));
    await expect(Folder.openBelow(fx.session, ["up"])).rejects.toMatchObject({ status: 400 });
    const inside = await Folder.openBelow(fx.session, ["in-link"]);
    await inside.close();
  });

  it("refuses to create a file through a link planted at the temporary name", async () => {
    await symlink(fx.secret, inSession("planted.tmp"));
    await expect(writeExclusive(inSession("planted.tmp"), "x")).rejects.toMatchObject({ code: "EEXIST" });
    expect(await readFile(fx.secret, "utf8")).toBe("TOP SECRET");
  });
});
