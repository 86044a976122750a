/** Which addresses web_fetch may connect to: public unicast only, unless the deployment allows more. */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

// Loopback, private, link-local, unique-local, carrier-grade NAT, multicast, reserved and the
// translation prefixes that can reach them. BlockList checks IPv4-mapped IPv6 (::ffff:a.b.c.d)
// against the IPv4 rules, so a ::ffff:0:0/96 rule would block every IPv4 address.
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24],
  ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) BLOCKED.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128], ["::1", 128], ["64:ff9b::", 96], ["64:ff9b:1::", 48], ["100::", 64], ["2001:db8::", 32],
  ["fc00::", 7], ["fe80::", 10], ["fec0::", 10], ["ff00::", 8],
] as const) BLOCKED.addSubnet(network, prefix, "ipv6");

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return !BLOCKED.check(mapped[1]!, "ipv4");
  return !BLOCKED.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * Resolves `hostname` and checks every address it has (one bad address refuses the host, so a
 * round-robin answer cannot smuggle one in). Returns the address to connect to, which the caller
 * pins so a second lookup (DNS rebinding) cannot swap it; the reason, as a string, when refused.
 */
export async function resolveTarget(hostname: string, allowPrivate: boolean): Promise<ResolvedTarget | string> {
  const literal = hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(literal)
    ? [{ address: literal, family: isIP(literal) }]
    : await lookup(literal, { all: true, verbatim: true });
  if (addresses.length === 0) return `${hostname} has no address`;
  if (!allowPrivate) {
    const blocked = addresses.find((entry) => !isPublicAddress(entry.address));
    if (blocked) {
      return `${hostname} resolves to ${blocked.address}, a loopback, private, link-local or reserved address; web_fetch reaches public addresses only`;
    }
  }
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
