/** Which destination a proxy request names, and whether the egress rule lets the sandbox reach it. */
import { isIP } from "node:net";
import { lookupAddresses, NOT_PUBLIC, type ResolvedTarget } from "../../network/address-guard";

export interface EgressPolicy {
  allowedPorts: ReadonlySet<number>;
  isAllowedAddress(address: string, port: number): boolean;
}

/** A destination that passed the rule: every address its name has, each of them checked. */
export interface CheckedTarget {
  /** host:port as the request named it, for logs and messages. */
  label: string;
  port: number;
  addresses: ResolvedTarget[];
}

/** Why a request is not forwarded, as the HTTP status and the plain-text reason the client is told. */
export class EgressRefusal {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {}
}

const HOST_NAME = /^[a-z0-9_.-]{1,253}$/i;

/** The host and port of a CONNECT request's target, `host:port` or `[v6]:port`. */
export function parseAuthority(authority: string): { host: string; port: number } | EgressRefusal {
  const match = /^(\[[^\]]*\]|[^:[\]]*):(\d{1,5})$/.exec(authority);
  const host = match && validHost(match[1]!);
  if (!match || !host) return new EgressRefusal(400, `bad CONNECT target ${JSON.stringify(authority.slice(0, 300))}: expected host:port`);
  return { host, port: Number(match[2]) };
}

/** The destination of a plain-HTTP proxy request, which must name it as an absolute http:// URI. */
export function parseAbsoluteUrl(target: string): { host: string; port: number; url: URL } | EgressRefusal {
  const shown = JSON.stringify(target.slice(0, 300));
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    return new EgressRefusal(400, `bad request target ${shown}: a proxy needs an absolute URI such as http://example.com/`);
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return new EgressRefusal(400, `bad request target ${shown}: not a valid URI`);
  }
  if (url.protocol !== "http:") return new EgressRefusal(400, `only http:// URIs are forwarded as requests, not ${url.protocol}; https goes through CONNECT`);
  const host = validHost(url.hostname);
  if (!host) return new EgressRefusal(400, `bad host in ${shown}`);
  return { host, port: url.port ? Number(url.port) : 80, url };
}

/** Resolves `host` and checks the port and every address; never resolves again after this. */
export async function checkTarget(host: string, port: number, policy: EgressPolicy): Promise<CheckedTarget | EgressRefusal> {
  const label = targetLabel(host, port);
  if (!policy.allowedPorts.has(port)) {
    const allowed = [...policy.allowedPorts].sort((a, b) => a - b).join(", ");
    return new EgressRefusal(403, `egress refused: port ${port} is not allowed (allowed: ${allowed || "none"})`);
  }
  let addresses: ResolvedTarget[];
  try {
    addresses = await lookupAddresses(host);
  } catch (error) {
    return new EgressRefusal(502, `egress failed: cannot resolve ${host} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (addresses.length === 0) return new EgressRefusal(502, `egress failed: ${host} has no address`);
  // One refused address refuses the host, so a round-robin answer cannot smuggle one in.
  const refused = addresses.find((entry) => !policy.isAllowedAddress(entry.address, port));
  if (refused) {
    const what = refused.address === host ? host : `${host} resolves to ${refused.address}, which`;
    return new EgressRefusal(403, `egress refused: ${what} is ${NOT_PUBLIC}; the sandbox reaches public addresses only`);
  }
  return { label, port, addresses };
}

/** host:port for logs and messages, an IPv6 literal in brackets. */
export function targetLabel(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** The host without IPv6 brackets, or null when it is neither an IP literal nor a plausible name. */
function validHost(raw: string): string | null {
  if (raw.startsWith("[")) {
    const inner = raw.slice(1, -1);
    return raw.endsWith("]") && isIP(inner) === 6 ? inner : null;
  }
  return HOST_NAME.test(raw) ? raw : null;
}
