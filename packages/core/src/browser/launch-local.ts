/**
 * The local-browser-service browser: a headless Chromium the worker launches for one session,
 * with a fresh profile in a private temporary folder (deleted on close), an environment holding
 * none of the worker's variables (no database URL, no keys), and every request sent through the
 * guarded egress proxy, loopback included.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SYSTEM_PATH } from "../sandbox/sandbox-env";
import type { OpenedBrowser } from "./opened-browser";

export interface LocalLaunch {
  executablePath: string;
  /** The egress relay, http://127.0.0.1:<port>. */
  proxyServer: string;
  timeoutMs: number;
}

export const BROWSER_VIEWPORT = { width: 1280, height: 800 };

// Chromium sends requests for localhost and loopback addresses past the proxy unless told not to;
// WebRTC would open UDP to any address the page names; /dev/shm is tiny in containers; and the
// browser's own calls home (updates, sync, safe browsing, pings) are no part of the agent's work.
const CHROMIUM_ARGS = [
  "--proxy-bypass-list=<-loopback>",
  "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
  "--dns-prefetch-disable",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-domain-reliability",
  "--disable-client-side-phishing-detection",
  "--no-pings",
];

export async function launchLocalBrowser(launch: LocalLaunch): Promise<OpenedBrowser> {
  // mkdtemp makes it 0700: other users of the worker host cannot read the session's cookies.
  const profile = await mkdtemp(path.join(os.tmpdir(), "mix-browser-profile-"));
  try {
    // Loaded on first use, like connect-remote.ts: the API never launches a browser.
    const { chromium } = await import("playwright-core");
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: launch.executablePath,
      headless: true,
      // Chromium's own sandbox cannot start as root (it refuses to run there without
      // --no-sandbox), so a root worker runs it without; anyone else keeps it. Either way the
      // browser reaches the network only through the egress proxy and gets no worker secrets.
      chromiumSandbox: process.getuid?.() !== 0,
      env: { PATH: SYSTEM_PATH, HOME: profile, LANG: "C.UTF-8" },
      proxy: { server: launch.proxyServer },
      args: CHROMIUM_ARGS,
      acceptDownloads: true,
      viewport: BROWSER_VIEWPORT,
      timeout: launch.timeoutMs,
      // The worker closes its browsers when it stops, after its runs finished with them.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    let closing: Promise<void> | undefined;
    return {
      context,
      profileDir: profile,
      close: () =>
        (closing ??= (async () => {
          await context.close();
          await rm(profile, { recursive: true, force: true });
        })()),
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}
