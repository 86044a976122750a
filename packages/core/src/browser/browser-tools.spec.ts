/**
 * The browser tools in a real headless Chromium against pages served on loopback (reachable
 * here only because the manager allows private networks, as FETCH_ALLOW_PRIVATE_NETWORKS does).
 */
import { lstat, mkdir, readFile, readlink, symlink } from "node:fs/promises";
import path from "node:path";
import { waitFor } from "@mix/testing";
import { ToolRegistry } from "../tools/tool-registry";
import { makeBrowserFixture, startPageServer, type BrowserFixture } from "../../test/helpers/browser-fixture";

const registry = new ToolRegistry();
const call = (fixture: BrowserFixture, name: string, input: unknown) => registry.run(name, JSON.stringify(input), fixture.context);

describe("browser tools in a real Chromium", () => {
  let pages: Awaited<ReturnType<typeof startPageServer>>;
  let fixture: BrowserFixture;
  beforeAll(async () => {
    pages = await startPageServer();
  });
  afterAll(() => pages.close());
  beforeEach(async () => {
    fixture = await makeBrowserFixture({ allowPrivateNetworks: true, allowedPorts: new Set([pages.port]) });
  });
  afterEach(() => fixture.cleanup());

  it("navigates and reads the page as its scripts left it, as text and as an accessibility snapshot", async () => {
    const navigated = await call(fixture, "browser_navigate", { url: `${pages.url}/` });
    expect(navigated).toMatchObject({ isError: false, output: expect.stringContaining("HTTP 200") });
    expect(navigated.output).toContain('("Home")');
    const text = await call(fixture, "browser_read", {});
    expect(text).toMatchObject({ isError: false, output: expect.stringMatching(/Hello browser[\s\S]*Rendered by script/) });
    const tree = await call(fixture, "browser_read", { format: "accessibility" });
    expect(tree.output).toMatch(/heading "Hello browser"/);
    const capped = await call(fixture, "browser_read", { maxChars: 100, selector: "h1" });
    expect(capped.output).toMatch(/Hello browser$/);
  });

  it("fills a form (type, select, click) and the served page receives the posted values", async () => {
    await call(fixture, "browser_navigate", { url: `${pages.url}/form` });
    expect(await call(fixture, "browser_type", { selector: "#name", text: "Ada & <Lovelace>" })).toMatchObject({ isError: false });
    expect(await call(fixture, "browser_select", { selector: "#colour", value: "Green" })).toMatchObject({
      isError: false,
      output: expect.stringContaining('"g"'),
    });
    const clicked = await call(fixture, "browser_click", { text: "Send it" });
    expect(clicked).toMatchObject({ isError: false, output: expect.stringContaining("/submit") });
    const form = await waitFor(() => pages.posted.find((entry) => entry.path === "/submit"), { what: "the posted form" });
    expect(new URLSearchParams(form.body).get("name")).toBe("Ada & <Lovelace>");
    expect(new URLSearchParams(form.body).get("colour")).toBe("g");
    expect((await call(fixture, "browser_read", {})).output).toContain("Received");
  });

  it("refuses a click with both or neither of selector and text, and reports a missing element as an error", async () => {
    await call(fixture, "browser_navigate", { url: `${pages.url}/form` });
    expect((await call(fixture, "browser_click", {})).output).toMatch(/exactly one of selector and text/);
    expect((await call(fixture, "browser_click", { selector: "a", text: "b" })).isError).toBe(true);
    const missing = await call(fixture, "browser_wait_for", { selector: "#nope", timeoutMs: 300 });
    expect(missing).toMatchObject({ isError: true, output: expect.stringMatching(/Timeout 300ms/) });
    expect((await call(fixture, "browser_wait_for", { text: "Send it", timeoutMs: 40_000 })).output).toMatch(/Invalid input/);
    expect((await call(fixture, "browser_click", { selector: "#[[[" })).isError).toBe(true);
  });

  it("saves a screenshot as a PNG in the session folder, and refuses a name outside it", async () => {
    await call(fixture, "browser_navigate", { url: `${pages.url}/` });
    expect(await call(fixture, "browser_screenshot", { file_name: "shots/home.png", fullPage: true })).toMatchObject({ isError: false });
    const png = await readFile(path.join(fixture.session.context.sessionDir, "shots/home.png"));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect((await call(fixture, "browser_screenshot", { file_name: "../escape.png" })).output).toMatch(/Refused path/);
    await expect(lstat(path.join(fixture.session.base, "escape.png"))).rejects.toThrow();
    expect((await call(fixture, "browser_screenshot", { file_name: "home.gif" })).output).toMatch(/\.png, \.jpg or \.jpeg/);
  });

  it("downloads by link and by URL into the session folder; ../ and a planted link lead nowhere else", async () => {
    const { sessionDir } = fixture.session.context;
    await call(fixture, "browser_navigate", { url: `${pages.url}/files` });
    expect(await call(fixture, "browser_download", { selector: "#get", file_name: "got/report.csv" })).toMatchObject({
      isError: false,
      output: "Saved 8 bytes to got/report.csv",
    });
    expect(await readFile(path.join(sessionDir, "got/report.csv"), "utf8")).toBe("a,b\n1,2\n");
    expect(await call(fixture, "browser_download", { url: `${pages.url}/report.csv`, file_name: "direct.csv" })).toMatchObject({ isError: false });
    expect(await readFile(path.join(sessionDir, "direct.csv"), "utf8")).toBe("a,b\n1,2\n");
    // A page (not an attachment) is saved as its body.
    expect(await call(fixture, "browser_download", { url: `${pages.url}/`, file_name: "home.html" })).toMatchObject({ isError: false });
    expect(await readFile(path.join(sessionDir, "home.html"), "utf8")).toContain("Hello browser");

    const refused = await call(fixture, "browser_download", { url: `${pages.url}/report.csv`, file_name: "../../escape.csv" });
    expect(refused).toMatchObject({ isError: true, output: expect.stringMatching(/Refused path/) });
    await expect(lstat(path.join(fixture.session.base, "escape.csv"))).rejects.toThrow();
    // A link the agent planted to a file outside is refused, never written through.
    await mkdir(sessionDir, { recursive: true });
    await symlink(path.join(fixture.session.base, "outside.txt"), path.join(sessionDir, "planted.csv"));
    expect((await call(fixture, "browser_download", { url: `${pages.url}/report.csv`, file_name: "planted.csv" })).output).toMatch(/Refused path/);
    expect(await readFile(path.join(fixture.session.base, "outside.txt"), "utf8")).toBe("secret outside the session");
    // One to a file inside is replaced by the download, not written through.
    await symlink(path.join(sessionDir, "direct.csv"), path.join(sessionDir, "inner.csv"));
    expect(await call(fixture, "browser_download", { url: `${pages.url}/`, file_name: "inner.csv" })).toMatchObject({ isError: false });
    expect((await lstat(path.join(sessionDir, "inner.csv"))).isSymbolicLink()).toBe(false);
    expect(await readFile(path.join(sessionDir, "direct.csv"), "utf8")).toBe("a,b\n1,2\n");
    // A folder link the agent planted is refused as a way out.
    await symlink(fixture.session.base, path.join(sessionDir, "out"));
    expect((await call(fixture, "browser_download", { url: `${pages.url}/report.csv`, file_name: "out/x.csv" })).output).toMatch(/Refused path/);
    expect(await readlink(path.join(sessionDir, "out"))).toBe(fixture.session.base);
    await expect(lstat(path.join(fixture.session.base, "x.csv"))).rejects.toThrow();
    expect((await call(fixture, "browser_download", { url: `${pages.url}/missing`, file_name: "m.txt" })).output).toMatch(/HTTP 404/);
  });

  it("scrolls, waits for elements, and evaluates short scripts with a capped JSON result", async () => {
    await call(fixture, "browser_navigate", { url: `${pages.url}/tall` });
    expect((await call(fixture, "browser_scroll", { amount: 1000 })).output).toMatch(/y=1000 of a page \d+ px high/);
    expect((await call(fixture, "browser_scroll", { selector: "#bottom" })).output).toMatch(/into view/);
    expect((await call(fixture, "browser_wait_for", { text: "bottom" })).isError).toBe(false);
    expect(await call(fixture, "browser_evaluate", { script: "({ title: document.title, n: 1 + 1 })" })).toEqual({
      isError: false,
      output: '{"title":"Tall","n":2}',
    });
    expect((await call(fixture, "browser_evaluate", { script: "undefined" })).output).toBe("undefined");
    expect((await call(fixture, "browser_evaluate", { script: "'x'.repeat(50000)" })).output).toMatch(/output truncated/);
    expect((await call(fixture, "browser_evaluate", { script: "x".repeat(2001) })).output).toMatch(/Invalid input/);
    expect(await call(fixture, "browser_evaluate", { script: "nosuchname.value" })).toMatchObject({
      isError: true,
      output: expect.stringMatching(/nosuchname/),
    });
  });

  it("a script that never ends is stopped and the next call gets a fresh page", async () => {
    await call(fixture, "browser_navigate", { url: `${pages.url}/` });
    expect(await call(fixture, "browser_evaluate", { script: "(() => { for (;;) {} })()" })).toMatchObject({
      isError: true,
      output: expect.stringMatching(/longer than 10 s/),
    });
    expect(await call(fixture, "browser_evaluate", { script: "location.href" })).toEqual({ isError: false, output: '"about:blank"' });
  }, 30_000);

  it("keeps one browser per session, shared by calls, with its own profile, deleted on close", async () => {
    await call(fixture, "browser_navigate", { url: `${pages.url}/` });
    const opened = await fixture.manager.opened("session-a");
    const profile = opened!.profileDir!;
    expect((await lstat(profile)).isDirectory()).toBe(true);
    await registry.run("browser_navigate", JSON.stringify({ url: `${pages.url}/form` }), fixture.contextFor({ sessionId: "session-b" }));
    expect(fixture.manager.openCount).toBe(2);
    // Session A's page did not move.
    expect((await call(fixture, "browser_read", {})).output).toContain("Hello browser");
    await fixture.manager.closeSession("session-a");
    await expect(lstat(profile)).rejects.toThrow();
  });
});
