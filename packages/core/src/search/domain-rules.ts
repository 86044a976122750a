/**
 * Which result hosts a search may return: the deployment's allow and block lists, narrowed by
 * the agent's own. A domain covers itself and its subdomains, compared label by label in ASCII
 * (IDN as punycode, lowercase, no trailing dot), so "evil-example.com" is not "example.com".
 */
import { domainToASCII } from "node:url";

/** The most hostnames one list of a call may hold. */
export const MAX_DOMAINS_PER_LIST = 20;

export class DomainListError extends Error {
  override name = "DomainListError";
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A hostname in its comparable form, or null when it is none: "Example.COM." and "*.example.com"
 * are "example.com", "bücher.de" is "xn--bcher-kva.de"; a URL, path, port or IP-like junk is null.
 */
export function normalizeDomain(raw: string): string | null {
  let host = raw.trim().toLowerCase();
  if (host.startsWith("*.")) host = host.slice(2);
  host = host.replace(/\.+$/, "");
  if (!host || host.length > 253 || /[/:@?#\s\\]/.test(host)) return null;
  const ascii = domainToASCII(host);
  if (!ascii) return null;
  const labels = ascii.split(".");
  return labels.every((label) => LABEL.test(label)) ? ascii : null;
}

/** A list of hostnames (a config value's comma list, or the agent's array) in comparable form. */
export function parseDomainList(entries: readonly string[], what: string): string[] {
  const domains: string[] = [];
  for (const entry of entries) {
    if (entry.trim() === "") continue;
    const domain = normalizeDomain(entry);
    if (!domain) throw new DomainListError(`${what}: "${entry.slice(0, 100)}" is not a hostname (write e.g. example.com, without a scheme or path)`);
    if (!domains.includes(domain)) domains.push(domain);
  }
  return domains;
}

export const parseDomainCsv = (value: string, what: string): string[] => parseDomainList(value.split(","), what);

/** Whether `host` is `domain` or one of its subdomains (both normalized). */
export function hostWithin(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

export interface DomainRules {
  /** Empty: any host the block lists let through. */
  allowed: readonly string[];
  blocked: readonly string[];
}

/** The rules of one call: the deployment's, narrowed by the agent's (which can never widen them). */
export class DomainPolicy {
  constructor(
    private readonly deployment: DomainRules,
    private readonly request: DomainRules = { allowed: [], blocked: [] },
  ) {}

  /** Whether a result at `url` may be shown; a URL without a usable host never is. */
  permits(url: URL): boolean {
    return this.permitsHost(url.hostname);
  }

  /** Whether results from `hostname` may be shown; a name that is no hostname never is. */
  permitsHost(hostname: string): boolean {
    const host = normalizeDomain(hostname);
    if (host === null) return false;
    const within = (list: readonly string[]) => list.some((domain) => hostWithin(host, domain));
    if (within(this.deployment.blocked) || within(this.request.blocked)) return false;
    if (this.deployment.allowed.length > 0 && !within(this.deployment.allowed)) return false;
    if (this.request.allowed.length > 0 && !within(this.request.allowed)) return false;
    return true;
  }

  /** What a provider's own search may be told to restrict itself to (the results are still checked here). */
  hints(): DomainRules {
    const allowed = this.request.allowed.length > 0 ? this.request.allowed : this.deployment.allowed;
    return { allowed: [...allowed], blocked: [...new Set([...this.deployment.blocked, ...this.request.blocked])] };
  }
}
