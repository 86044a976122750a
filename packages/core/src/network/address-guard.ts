/** Which IP addresses count as public: the only ones web_fetch and the sandbox's egress proxy reach by default. */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/** How a refusal names the rule, so every caller words it the same way. */
export const NOT_PUBLIC = "a loopback, private, link-local or reserved address";

type Range = readonly [network: bigint, prefix: number];

// The addresses are parsed here rather than checked with node:net's BlockList: BlockList
// checks IPv4-mapped IPv6 against the IPv4 rules, so it can neither refuse the whole mapped
// range without refusing every IPv4 address, nor see the IPv4 address inside other spellings.
const IPV4_BLOCKED: readonly Range[] = [
  "0.0.0.0/8", // "this network"
  "10.0.0.0/8",
  "100.64.0.0/10", // carrier-grade NAT
  "127.0.0.0/8",
  "169.254.0.0/16", // link-local, where cloud metadata (169.254.169.254) answers
  "172.16.0.0/12",
  "192.0.0.0/24", // IETF protocol assignments
  "192.0.2.0/24", // documentation, as are the next two
  "198.51.100.0/24",
  "203.0.113.0/24",
  "192.88.99.0/24", // the retired 6to4 relay anycast
  "192.168.0.0/16",
  "198.18.0.0/15", // benchmarking
  "224.0.0.0/4", // multicast
  "240.0.0.0/4", // reserved, with the broadcast address
].map((cidr) => range(cidr, parseIPv4));

// IPv6 is judged by an allow list: only 2000::/3 is global unicast. Everything outside it is
// refused, which covers ::, ::1, the IPv4-compatible ::/96 and IPv4-mapped ::ffff:0:0/96 (in any
// spelling, whatever IPv4 address they embed), discard-only 100::/64, local-use NAT64
// 64:ff9b:1::/48, unique-local fc00::/7 (AWS metadata fd00:ec2::254), link-local, site-local
// and multicast.
const IPV6_GLOBAL = range("2000::/3", parseIPv6);
const IPV6_BLOCKED: readonly Range[] = [
  "2001::/23", // IETF protocol assignments: Teredo (which embeds an IPv4 client), benchmarking, ORCHID
  "2001:db8::/32", // documentation
  "3fff::/20", // documentation
].map((cidr) => range(cidr, parseIPv6));
// These embed an IPv4 address that a gateway or relay would reach, so the embedded address is
// judged: refusing them all would cut a worker on an IPv6-only network with DNS64 off from every
// IPv4-only host, while a NAT64 or 6to4 spelling of a private address must not get through.
const NAT64 = range("64:ff9b::/96", parseIPv6); // IPv4 in the last 32 bits
const SIX_TO_FOUR = range("2002::/16", parseIPv6); // IPv4 in bits 16..47

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return isPublicIPv4(parseIPv4(address));
  // A zone index (fe80::1%eth0) only makes sense on a link-scoped address.
  if (family === 0 || address.includes("%")) return false;
  const value = parseIPv6(address);
  if (inRange(value, 128, NAT64)) return isPublicIPv4(value & 0xffff_ffffn);
  if (!inRange(value, 128, IPV6_GLOBAL) || IPV6_BLOCKED.some((blocked) => inRange(value, 128, blocked))) return false;
  if (inRange(value, 128, SIX_TO_FOUR)) return isPublicIPv4((value >> 80n) & 0xffff_ffffn);
  return true;
}

/** The addresses of `hostname` (a name, an IP literal, or an IPv6 literal in brackets), in the resolver's order. */
export async function lookupAddresses(hostname: string): Promise<ResolvedTarget[]> {
  const literal = hostname.replace(/^\[|\]$/g, "");
  const family = isIP(literal);
  if (family !== 0) return [{ address: literal, family: family === 6 ? 6 : 4 }];
  const found = await lookup(literal, { all: true, verbatim: true });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
}

/**
 * Resolves `hostname` and checks every address it has (one bad address refuses the host, so a
 * round-robin answer cannot smuggle one in). Returns the address to connect to, which the caller
 * pins so a second lookup (DNS rebinding) cannot swap it; the reason, as a string, when refused.
 */
export async function resolveTarget(hostname: string, allowPrivate: boolean): Promise<ResolvedTarget | string> {
  const addresses = await lookupAddresses(hostname);
  if (addresses.length === 0) return `${hostname} has no address`;
  if (!allowPrivate) {
    const blocked = addresses.find((entry) => !isPublicAddress(entry.address));
    if (blocked) return `${hostname} resolves to ${blocked.address}, ${NOT_PUBLIC}; web_fetch reaches public addresses only`;
  }
  return addresses[0]!;
}

function isPublicIPv4(value: bigint): boolean {
  return !IPV4_BLOCKED.some((blocked) => inRange(value, 32, blocked));
}

function inRange(value: bigint, bits: number, [network, prefix]: Range): boolean {
  const shift = BigInt(bits - prefix);
  return value >> shift === network >> shift;
}

function range(cidr: string, parse: (address: string) => bigint): Range {
  const [network, prefix] = cidr.split("/");
  return [parse(network!), Number(prefix)];
}

// Both parsers expect text that net.isIP has accepted.
function parseIPv4(address: string): bigint {
  return address.split(".").reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function parseIPv6(address: string): bigint {
  // A trailing dotted quad (::ffff:127.0.0.1, ::1.2.3.4) is the last two groups.
  const text = address.replace(/(\d+\.\d+\.\d+\.\d+)$/, (dotted) => {
    const v4 = parseIPv4(dotted);
    return `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  });
  const [head, tail] = text.split("::") as [string, string | undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups = [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}
