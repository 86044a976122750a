/** Where the egress proxy's socket and forwarder sit inside the sandbox, and what tells the command to use them. */
import { existsSync } from "node:fs";
import path from "node:path";

/** The port the forwarder listens on in the sandbox's own loopback. */
export const EGRESS_FORWARDER_PORT = 3128;
/** The folder bind-mounted into the sandbox, holding the two files below. */
export const EGRESS_DIR_INSIDE = "/run/mix-egress";
export const EGRESS_SOCKET_INSIDE = `${EGRESS_DIR_INSIDE}/proxy.sock`;
export const EGRESS_FORWARDER_INSIDE = `${EGRESS_DIR_INSIDE}/forwarder.js`;

/** The compiled forwarder on the worker's disk, to bind-mount at EGRESS_FORWARDER_INSIDE. */
export function egressForwarderFile(): string {
  const sibling = path.join(__dirname, "forwarder-main.js");
  // Tests run the TypeScript sources, where no .js sits beside this file: use the build's.
  return existsSync(sibling) ? sibling : path.resolve(__dirname, "../../../dist/sandbox/egress/forwarder-main.js");
}

/**
 * The variables that send a command's HTTP(S) clients through the forwarder. Loopback stays
 * direct: a server the command starts inside the sandbox is reached without the proxy (which
 * would refuse it). NODE_USE_ENV_PROXY makes Node's own fetch and http honour the variables.
 */
export function egressProxyEnv(port = EGRESS_FORWARDER_PORT): Record<string, string> {
  const proxy = `http://127.0.0.1:${port}`;
  const direct = "localhost,127.0.0.1,::1";
  return {
    HTTP_PROXY: proxy,
    HTTPS_PROXY: proxy,
    http_proxy: proxy,
    https_proxy: proxy,
    NO_PROXY: direct,
    no_proxy: direct,
    NODE_USE_ENV_PROXY: "1",
  };
}
