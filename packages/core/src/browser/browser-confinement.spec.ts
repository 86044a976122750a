/**
 * What the agent's browser must not do, with the production defaults: reach loopback or private
 * addresses (neither by the tool's check nor past it, through the egress proxy), open other
 * schemes, connect to a private CDP endpoint; and how its sessions end (idle, cap, modes).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { waitFor } from "@mix/testing";
import { findProgram } from "../sandbox/find-program";
import { ToolRegistry } from "../tools/tool-registry";
import { makeBrowserFixture, startPageServer, type BrowserFixture } from "../../test/helpers/browser-fixture";
import { ELECTRON_BROWSER_REFUSAL } from "./browser-manager";

const registry = new ToolRegistry();
const run = (context: BrowserFixture["context"], name: string, input: unknown) => registry.run(name, JSON.stringify(input), context);

describe("the agent's browser, confined", () => {
  let pages: Awaited<ReturnType<typeof startPageServer>>;
  let fixture: BrowserFixture;
  beforeAll(async () => {
    pages = await startPageServer();
  });
  afterAll(() => pages.close());
  afterEach(() => fixture.cleanup());

  it("refuses loopback and private hosts under the default settings, before navigating", async () => {
    // The page server's port is allowed: what refuses it is the address rule.
    fixture = await makeBrowserFixture({ allowedPorts: new Set([pages.port]) });
    for (const url of [`${pages.url}/`, `http://localhost:${pages.port}/`, "http://[::1]/", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/"]) {
      const result = await run(fixture.context, "browser_navigate", { url });
      expect(result).toMatchObject({ isError: true, output: expect.stringMatching(/loopback, private, link-local or reserved address/) });
    }
    // Refused before any browser was started for it.
    expect(fixture.manager.openCount).toBe(0);
  });

  it("past the tool's check, the egress proxy still keeps the browser off loopback", async () => {
    fixture = await makeBrowserFixture({ allowedPorts: new Set([pages.port]) });
    const served: string[] = [];
    const body = await fixture.context.browser!.withPage(new AbortController().signal, async (page) => {
      page.on("request", (request) => served.push(request.url()));
      const response = await page.goto(`${pages.url}/`);
      return { status: response?.status(), text: await response?.text() };
    });
    expect(body.status).toBe(403);
    expect(body.text).toMatch(/egress refused: 127\.0\.0\.1 is a loopback/);
  });

  it.each([
    "file:///etc/passwd",
    "chrome://settings",
    "data:text/html,<h1>x</h1>",
    "javascript:alert(1)",
    "view-source:https://example.com/",
    "ftp://example.com/",
    "not a url",
  ])("refuses %s", async (url) => {
    fixture = await makeBrowserFixture({ allowPrivateNetworks: true });
    const result = await run(fixture.context, "browser_navigate", { url });
    expect(result).toMatchObject({ isError: true, output: expect.stringMatching(/Refused|Not a valid absolute URL/) });
    const download = await run(fixture.context, "browser_download", { url, file_name: "x.txt" });
    expect(download.isError).toBe(true);
  });

  it("refuses a cdpUrl naming loopback or a private host by default", async () => {
    fixture = await makeBrowserFixture();
    for (const cdpUrl of ["ws://127.0.0.1:9222/devtools/browser/x", "ws://localhost:9222/", "wss://192.168.1.10/cdp"]) {
      const context = fixture.contextFor({ sessionId: `remote-${cdpUrl.length}`, browserMode: "remote-cdp-websocket", cdpUrl });
      const result = await run(context, "browser_read", {});
      expect(result).toMatchObject({ isError: true, output: expect.stringMatching(/Refused cdpUrl: .* loopback, private/) });
    }
  });

  it("answers with a stated error in the electron mode", async () => {
    fixture = await makeBrowserFixture({ request: { browserMode: "electron-embedded-browser" } });
    expect(await run(fixture.context, "browser_navigate", { url: "https://example.com/" })).toEqual({ isError: true, output: ELECTRON_BROWSER_REFUSAL });
    expect(await run(fixture.context, "browser_read", {})).toEqual({ isError: true, output: ELECTRON_BROWSER_REFUSAL });
  });

  it("refuses a local browser to a workspace without egress", async () => {
    fixture = await makeBrowserFixture({ allowPrivateNetworks: true, allowedPorts: new Set([pages.port]), request: { network: "none" } });
    expect((await run(fixture.context, "browser_navigate", { url: `${pages.url}/` })).output).toMatch(/network is 'none'/);
  });

  it("closes a session's browser after the idle time, deleting its profile; the next call opens a fresh one", async () => {
    fixture = await makeBrowserFixture({ allowPrivateNetworks: true, allowedPorts: new Set([pages.port]), idleMs: 300 });
    await run(fixture.context, "browser_navigate", { url: `${pages.url}/` });
    const profile = (await fixture.manager.opened("session-a"))!.profileDir!;
    await waitFor(() => fixture.manager.openCount === 0, { what: "the idle browser to close" });
    await waitFor(
      async () =>
        !(await readFile(path.join(profile, "Local State")).then(
          () => true,
          () => false,
        )),
      { what: "the profile to go" },
    );
    // A fresh browser: the old page is gone.
    expect((await run(fixture.context, "browser_evaluate", { script: "location.href" })).output).toBe('"about:blank"');
  });

  it("holds at most BROWSER_MAX_SESSIONS browsers", async () => {
    fixture = await makeBrowserFixture({ allowPrivateNetworks: true, allowedPorts: new Set([pages.port]), maxSessions: 1 });
    expect((await run(fixture.context, "browser_navigate", { url: `${pages.url}/` })).isError).toBe(false);
    const other = await run(fixture.contextFor({ sessionId: "session-b" }), "browser_navigate", { url: `${pages.url}/` });
    expect(other).toMatchObject({ isError: true, output: expect.stringMatching(/already has 1 sessions' browsers open \(BROWSER_MAX_SESSIONS\)/) });
  });

  describe("remote-cdp-websocket", () => {
    let remote: BrowserContext;
    let profile: string;
    let cdpUrl: string;
    beforeAll(async () => {
      profile = await mkdtemp(path.join(os.tmpdir(), "mix-remote-browser-"));
      remote = await chromium.launchPersistentContext(profile, { executablePath: (await findProgram("chromium"))!, args: ["--remote-debugging-port=0"] });
      const [port, wsPath] = (await waitFor(() => readFile(path.join(profile, "DevToolsActivePort"), "utf8"))).trim().split("\n");
      cdpUrl = `ws://127.0.0.1:${port}${wsPath}`;
    });
    afterAll(async () => {
      await remote.close();
      await rm(profile, { recursive: true, force: true });
    });

    it("connects over CDP when private CDP hosts are allowed, and drives the remote browser", async () => {
      fixture = await makeBrowserFixture({ allowPrivateCdp: true, request: { browserMode: "remote-cdp-websocket", cdpUrl } });
      expect(await run(fixture.context, "browser_navigate", { url: `${pages.url}/` })).toMatchObject({ isError: false });
      expect((await run(fixture.context, "browser_read", {})).output).toContain("Hello browser");
      // Still http(s) only.
      expect((await run(fixture.context, "browser_navigate", { url: "file:///etc/passwd" })).output).toMatch(/Refused file:/);
      await fixture.manager.close();
      // Disconnecting leaves the remote browser to its owner.
      expect(remote.pages().length).toBeGreaterThan(0);
    });
  });
});
