/** Pages served on loopback for the browser tests, and a worker's browser manager with a session context around them. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { BrowserManager, type BrowserManagerOptions, type SessionBrowserRequest } from "../../src/browser/browser-manager";
import { createLogger } from "../../src/logging/logger";
import type { ToolContext } from "../../src/tools/tool";
import { makeSessionDir, type SessionDirFixture } from "./session-dir";

export interface PostedForm {
  path: string;
  body: string;
}

export const PAGES: Record<string, { type: string; body: string; headers?: Record<string, string> }> = {
  "/": {
    type: "text/html",
    body: "<title>Home</title><h1>Hello browser</h1><p>Rendered by <span id=js></span></p><script>document.getElementById('js').textContent = 'script';</script>",
  },
  "/form": {
    type: "text/html",
    body:
      "<title>Form</title><form method=post action=/submit>" +
      "<input id=name name=name><select id=colour name=colour><option value=r>Red</option><option value=g>Green</option></select>" +
      "<button type=submit>Send it</button></form>",
  },
  "/files": { type: "text/html", body: "<title>Files</title><a id=get href=/report.csv download>Get the report</a>" },
  "/report.csv": { type: "text/csv", body: "a,b\n1,2\n", headers: { "content-disposition": 'attachment; filename="report.csv"' } },
  "/tall": { type: "text/html", body: "<title>Tall</title><div style='height:5000px'>top</div><p id=bottom>bottom</p>" },
};

/** Serves PAGES on 127.0.0.1 and records the forms posted to it. */
export async function startPageServer(): Promise<{ url: string; port: number; posted: PostedForm[]; close(): Promise<void> }> {
  const posted: PostedForm[] = [];
  const server = http.createServer(async (request, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    const path = (request.url ?? "/").split("?")[0]!;
    if (request.method === "POST") {
      posted.push({ path, body });
      response.writeHead(200, { "content-type": "text/html" }).end("<title>Thanks</title><p>Received</p>");
      return;
    }
    const page = PAGES[path];
    if (!page) return void response.writeHead(404, { "content-type": "text/plain" }).end("not here");
    response.writeHead(200, { "content-type": page.type, ...page.headers }).end(page.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    posted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface BrowserFixture {
  manager: BrowserManager;
  session: SessionDirFixture;
  /** The session folder's tool context with the session's browser. */
  context: ToolContext;
  /** Another session's context on the same manager. */
  contextFor(request: Partial<SessionBrowserRequest> & { sessionId: string }): ToolContext;
  cleanup(): Promise<void>;
}

export async function makeBrowserFixture(options: Partial<BrowserManagerOptions> & { request?: Partial<SessionBrowserRequest> } = {}): Promise<BrowserFixture> {
  const { request, ...overrides } = options;
  const manager = new BrowserManager({
    executable: "chromium",
    idleMs: 60_000,
    maxSessions: 4,
    allowPrivateCdp: false,
    allowPrivateNetworks: false,
    allowedPorts: new Set([80, 443]),
    logger: createLogger("test-browser", "silent"),
    ...overrides,
  });
  const session = await makeSessionDir({ network: "egress" });
  const contextFor = (asked: Partial<SessionBrowserRequest> & { sessionId: string }): ToolContext => ({
    ...session.context,
    browser: manager.forSession({ browserMode: "local-browser-service", cdpUrl: null, network: "egress", ...asked }),
  });
  return {
    manager,
    session,
    context: contextFor({ sessionId: "session-a", ...request }),
    contextFor,
    async cleanup() {
      await manager.close();
      await session.cleanup();
    },
  };
}
