/**
 * For the console's end-to-end tests: Debian's headless Chromium driven by playwright-core, and
 * a small HTTP proxy the page talks to, which forwards every request to one API instance and
 * can be switched to another (cutting what it holds open, as a stopped instance would).
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  // Chromium's own sandbox refuses to start as root (CI runs as root).
  const asRoot = process.getuid?.() === 0;
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...(asRoot ? ["--no-sandbox"] : []), "--disable-dev-shm-usage"] });
}

export interface SwitchingProxy {
  url: string;
  /** Requests the proxy forwarded, by upstream URL. */
  forwarded: Map<string, number>;
  /** From now on new requests go to `target`; every connection held open to the old one is cut. */
  switchTo(target: string): void;
  close(): Promise<void>;
}

export async function startSwitchingProxy(initialTarget: string): Promise<SwitchingProxy> {
  let target = initialTarget;
  const forwarded = new Map<string, number>();
  const open = new Set<{ client: Socket; upstream?: http.ClientRequest }>();
  const server = http.createServer((request, response) => {
    const upstreamUrl = new URL(request.url ?? "/", target);
    forwarded.set(target, (forwarded.get(target) ?? 0) + 1);
    const held: { client: Socket; upstream?: http.ClientRequest } = { client: request.socket };
    open.add(held);
    const upstream = http.request(upstreamUrl, { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    held.upstream = upstream;
    upstream.on("error", () => {
      if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" }).end("upstream unavailable");
      else response.destroy();
    });
    response.on("close", () => {
      open.delete(held);
      upstream.destroy();
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    switchTo(next) {
      target = next;
      for (const held of open) {
        held.upstream?.destroy();
        held.client.destroy();
      }
      open.clear();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
