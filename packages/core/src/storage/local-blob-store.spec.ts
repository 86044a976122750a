/** LocalBlobStore on a real folder, against a session folder the sandbox plants links and swaps in. */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, stat, symlink, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import sharp from "sharp";
import { LocalBlobStore } from "./local-blob-store";
import { parseThumbSpec } from "./thumbnail-spec";
import { thumbnail } from "./thumbnails";
import { testParser } from "../../test/helpers/test-sandbox";
import { entries, IS_ROOT, makeStorage, OTHER_OWNER, type StorageFixture } from "../../test/helpers/storage-fixture";

const ID = "session";
let fx: StorageFixture;
let store: LocalBlobStore;
beforeEach(async () => {
  // The fixture's session folder is `<base>/session`, so `<base>` is the storage root.
  fx = await makeStorage();
  store = new LocalBlobStore(fx.base);
});
afterEach(() => fx.cleanup());

const inSession = (name: string) => path.join(fx.session, name);
// The staging folder is made on the first upload that gets that far.
const staged = async () => (existsSync(path.join(fx.base, ".staging")) ? entries(path.join(fx.base, ".staging")) : []);
const upload = (name: string, body: string | Buffer, maxBytes = 1_000_000) => store.write(ID, name, Readable.from([Buffer.from(body)]), { maxBytes });

describe("uploads", () => {
  it("stages outside the session folder, so nothing of the store's is left in it", async () => {
    expect(await upload("a.txt", "hello")).toMatchObject({ name: "a.txt", size: 5, isDir: false });
    expect(await readFile(inSession("a.txt"), "utf8")).toBe("hello");
    expect(await entries(fx.session)).toEqual(["a.txt"]);
    expect(await staged()).toEqual([]);
  });

  it("refuses an oversized upload with 413 and keeps nothing", async () => {
    await expect(upload("big.bin", Buffer.alloc(11), 10)).rejects.toMatchObject({ status: 413 });
    expect(await entries(fx.session)).toEqual([]);
    expect(await staged()).toEqual([]);
  });

  it("is not redirected by a planted .uploads link, and replaces a link at the target", async () => {
    await symlink(fx.outside, inSession(".uploads"));
    await symlink(fx.secret, inSession("target.txt"));
    await upload("target.txt", "mine");
    expect(await entries(fx.outside)).toEqual(["secret.txt"]);
    expect(await readFile(fx.secret, "utf8")).toBe("TOP SECRET");
    expect(await readFile(inSession("target.txt"), "utf8")).toBe("mine");
  });

  it("refuses a folder at the name and a parent that leads outside", async () => {
    await mkdir(inSession("dir"));
    await symlink(fx.outside, inSession("up"));
    await expect(upload("dir", "x")).rejects.toMatchObject({ status: 400 });
    await expect(upload("up/x.txt", "x")).rejects.toMatchObject({ status: 400 });
    expect(await entries(fx.outside)).toEqual(["secret.txt"]);
    expect(await staged()).toEqual([]);
  });

  it("creates the session folder with mode 0700, and gives it and the upload to the owner", async () => {
    // chown to another user needs root; the CI runs as root.
    if (!IS_ROOT) return;
    const owned = new LocalBlobStore(fx.base, { owner: OTHER_OWNER });
    await owned.write("fresh", "f.txt", Readable.from([Buffer.from("x")]), { maxBytes: 10 });
    const dir = await stat(path.join(fx.base, "fresh"));
    expect(dir).toMatchObject({ uid: OTHER_OWNER.uid, gid: OTHER_OWNER.gid });
    expect(dir.mode & 0o777).toBe(0o700);
    expect(await stat(path.join(fx.base, "fresh", "f.txt"))).toMatchObject({ uid: OTHER_OWNER.uid, gid: OTHER_OWNER.gid });
  });
});

describe("reads", () => {
  it("serves a file, and refuses it once it is swapped for a link to outside", async () => {
    await upload("doc.txt", "inside");
    expect(await text(await store.read(ID, "doc.txt"))).toBe("inside");
    expect(await store.stat(ID, "doc.txt")).toMatchObject({ size: 6 });
    await unlink(inSession("doc.txt"));
    await symlink(fx.secret, inSession("doc.txt"));
    await expect(store.read(ID, "doc.txt")).rejects.toMatchObject({ status: 400 });
    await expect(store.stat(ID, "doc.txt")).rejects.toMatchObject({ status: 400 });
    await expect(store.withLocalFile(ID, "doc.txt", async () => "used")).rejects.toMatchObject({ status: 400 });
  });

  it("streams the file it checked, even when the name is swapped for a link before the stream is read", async () => {
    await upload("doc.txt", "inside");
    const stream = await store.read(ID, "doc.txt");
    await unlink(inSession("doc.txt"));
    await symlink(fx.secret, inSession("doc.txt"));
    expect(await text(stream)).toBe("inside");
  });

  it("refuses a file below a folder swapped for a link to outside", async () => {
    await mkdir(inSession("sub"));
    await writeFile(inSession("sub/secret.txt"), "inside");
    await rm(inSession("sub"), { recursive: true });
    await symlink(fx.outside, inSession("sub"));
    await expect(store.read(ID, "sub/secret.txt")).rejects.toMatchObject({ status: 400 });
    await expect(store.withLocalFile(ID, "sub/secret.txt", async () => "used")).rejects.toMatchObject({ status: 400 });
  });

  it("serves a byte range, 404 for a missing file, 400 for a folder or a FIFO (without blocking)", async () => {
    await upload("r.txt", "0123456789");
    expect(await text(await store.read(ID, "r.txt", { start: 2, end: 4 }))).toBe("234");
    await expect(store.read(ID, "missing.txt")).rejects.toMatchObject({ status: 404 });
    await expect(store.read("no-such-session", "r.txt")).rejects.toMatchObject({ status: 404 });
    await mkdir(inSession("dir"));
    await expect(store.read(ID, "dir")).rejects.toMatchObject({ status: 400 });
    execFileSync("mkfifo", [inSession("pipe")]);
    await expect(store.read(ID, "pipe")).rejects.toMatchObject({ status: 400 });
  });

  it("hands out a path to the checked file that stays that file while it is used", async () => {
    await upload("v.txt", "original");
    const seen = await store.withLocalFile(ID, "v.txt", async (file) => {
      await unlink(inSession("v.txt"));
      await symlink(fx.secret, inSession("v.txt"));
      return readFile(file, "utf8");
    });
    expect(seen).toBe("original");
  });
});

describe("listing and deleting", () => {
  it("lists files and folders but not links, at the top and below", async () => {
    await upload("a.txt", "a");
    await mkdir(inSession("sub"));
    await writeFile(inSession("sub/b.txt"), "b");
    await symlink(fx.secret, inSession("leak.txt"));
    await symlink(fx.outside, inSession("sub/up"));
    expect((await store.list(ID)).map((entry) => entry.name)).toEqual(["a.txt", "sub"]);
    expect((await store.listFiles(ID)).map((entry) => entry.name)).toEqual(["a.txt", "sub/b.txt"]);
  });

  it("deletes a file, and refuses a link, a folder and a path through a link to outside", async () => {
    await upload("a.txt", "a");
    await mkdir(inSession("dir"));
    await symlink(fx.secret, inSession("leak.txt"));
    await symlink(fx.outside, inSession("up"));
    await store.delete(ID, "a.txt");
    await expect(store.delete(ID, "a.txt")).rejects.toMatchObject({ status: 404 });
    for (const name of ["leak.txt", "dir", "up/secret.txt"]) await expect(store.delete(ID, name)).rejects.toMatchObject({ status: 400 });
    expect(await readFile(fx.secret, "utf8")).toBe("TOP SECRET");
  });

  it("deletes the session folder and its cache, without following links planted in it", async () => {
    await upload("a.txt", "a");
    await mkdir(inSession("deep/er"), { recursive: true });
    await writeFile(inSession("deep/er/f.txt"), "f");
    await symlink(fx.outside, inSession("deep/up"));
    await symlink(fx.secret, inSession("leak.txt"));
    const cache = await store.cacheDir(ID);
    await writeFile(path.join(cache, "t.jpg"), "t");
    await store.deleteAll(ID);
    expect(await entries(fx.base)).toEqual([".cache", ".staging", "outside"]);
    expect(await entries(path.join(fx.base, ".cache"))).toEqual([]);
    expect(await entries(fx.outside)).toEqual(["secret.txt"]);
    await store.deleteAll(ID);
  });
});

describe("thumbnails", () => {
  it("are cached outside the session folder, whatever .thumbs link is planted in it", async () => {
    await symlink(fx.outside, inSession(".thumbs"));
    const image = await sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 9, g: 9, b: 9 } } })
      .png()
      .toBuffer();
    const entry = await store.write(ID, "p.png", Readable.from([image]), { maxBytes: 1_000_000 });
    // vipsthumbnail runs in the sandbox, whose user must pass through the storage root.
    await chmod(fx.base, 0o711);
    const parser = testParser(fx.base);
    const made = await thumbnail(store, ID, entry, "image/png", parseThumbSpec("16", undefined), parser).finally(() => parser.close());
    expect(path.dirname(made.file)).toBe(path.join(fx.base, ".cache", ID, "thumbs"));
    expect(await sharp(made.file).metadata()).toMatchObject({ width: 16, height: 8 });
    expect(await entries(fx.outside)).toEqual(["secret.txt"]);
  });
});
