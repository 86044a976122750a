/** The public-address rule: every refused range, the IPv6 spellings of IPv4 addresses, and what passes. */
import { isPublicAddress, lookupAddresses, resolveTarget } from "./address-guard";

describe("isPublicAddress", () => {
  it.each([
    ["0.0.0.0", "this network"],
    ["0.255.1.2", "this network"],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.254", "carrier-grade NAT"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["169.254.169.254", "cloud metadata (link-local)"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.0.0.8", "IETF protocol assignments"],
    ["192.0.2.10", "documentation"],
    ["198.51.100.10", "documentation"],
    ["203.0.113.10", "documentation"],
    ["192.88.99.1", "6to4 relay anycast"],
    ["192.168.1.1", "private"],
    ["198.18.0.1", "benchmarking"],
    ["198.19.255.255", "benchmarking"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "broadcast"],
  ])("refuses IPv4 %s (%s)", (address) => expect(isPublicAddress(address)).toBe(false));

  it.each([
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback, long form"],
    ["fd00:ec2::254", "AWS metadata (unique-local)"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local with a zone"],
    ["febf::1", "link-local"],
    ["fec0::1", "site-local"],
    ["ff02::1", "multicast"],
    ["ff0e::1", "global multicast"],
    ["100::1", "discard-only"],
    ["64:ff9b:1::a", "local-use NAT64"],
    ["5f00::1", "SRv6 SIDs, outside global unicast"],
    ["4000::1", "unallocated, outside global unicast"],
    ["2001::1", "Teredo"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"],
    ["2001:2::1", "benchmarking"],
    ["2001:10::1", "ORCHID"],
    ["2001:db8::1", "documentation"],
    ["3fff::1", "documentation"],
    ["2606:4700::1%eth0", "a global address with a zone"],
  ])("refuses IPv6 %s (%s)", (address) => expect(isPublicAddress(address)).toBe(false));

  // Whatever IPv4 address they carry, public or not: the dotted and the hex spelling alike.
  it.each([
    ["::ffff:127.0.0.1", "mapped loopback"],
    ["::ffff:7f00:1", "mapped loopback, hex"],
    ["::FFFF:7F00:1", "mapped loopback, upper case"],
    ["0:0:0:0:0:ffff:7f00:1", "mapped loopback, long form"],
    ["::ffff:169.254.169.254", "mapped metadata"],
    ["::ffff:a9fe:a9fe", "mapped metadata, hex"],
    ["::ffff:10.0.0.1", "mapped private"],
    ["::ffff:8.8.8.8", "mapped public"],
    ["::ffff:808:808", "mapped public, hex"],
    ["::127.0.0.1", "compatible loopback"],
    ["::7f00:1", "compatible loopback, hex"],
    ["::a00:1", "compatible private, hex"],
    ["::10.0.0.1", "compatible private"],
    ["::8.8.8.8", "compatible public"],
    ["::808:808", "compatible public, hex"],
  ])("refuses %s (%s)", (address) => expect(isPublicAddress(address)).toBe(false));

  it.each([
    ["64:ff9b::7f00:1", "NAT64 of loopback"],
    ["64:ff9b::127.0.0.1", "NAT64 of loopback, dotted"],
    ["64:ff9b::a9fe:a9fe", "NAT64 of metadata"],
    ["64:ff9b::c0a8:101", "NAT64 of 192.168.1.1"],
    ["2002:7f00:1::1", "6to4 of loopback"],
    ["2002:a00:1::", "6to4 of 10.0.0.1"],
    ["2002:a9fe:a9fe:1::1", "6to4 of metadata"],
  ])("refuses %s (%s)", (address) => expect(isPublicAddress(address)).toBe(false));

  it.each([
    ["64:ff9b::808:808", "NAT64 of 8.8.8.8"],
    ["64:ff9b::1.1.1.1", "NAT64 of 1.1.1.1, dotted"],
    ["2002:808:808::1", "6to4 of 8.8.8.8"],
  ])("accepts %s (%s): the embedded IPv4 address is public", (address) => expect(isPublicAddress(address)).toBe(true));

  it.each(["1.1.1.1", "8.8.8.8", "93.184.216.34", "100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1", "192.169.0.1", "223.255.255.254"])(
    "accepts public IPv4 %s",
    (address) => expect(isPublicAddress(address)).toBe(true),
  );

  it.each(["2606:4700:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001:80b::200e", "2001:200::1", "2400:cb00::1"])("accepts public IPv6 %s", (address) =>
    expect(isPublicAddress(address)).toBe(true),
  );

  it.each([
    "",
    "localhost",
    "example.com",
    "[::1]",
    "127.1",
    "0x7f000001",
    "2130706433",
    " 1.1.1.1",
    "1.1.1.1 ",
    "1.1.1.256",
    "::ffff:1.1.1",
    "http://1.1.1.1/",
  ])("refuses the non-address %p", (text) => expect(isPublicAddress(text)).toBe(false));
});

describe("lookupAddresses", () => {
  it("returns a literal as it is, without brackets and without asking DNS", async () => {
    expect(await lookupAddresses("[::1]")).toEqual([{ address: "::1", family: 6 }]);
    expect(await lookupAddresses("10.0.0.1")).toEqual([{ address: "10.0.0.1", family: 4 }]);
  });

  it("resolves a name", async () => {
    expect(await lookupAddresses("localhost")).toContainEqual({ address: "127.0.0.1", family: 4 });
  });
});

describe("resolveTarget", () => {
  it("refuses a name that resolves to a non-public address, naming it", async () => {
    expect(await resolveTarget("localhost", false)).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), a loopback, private, link-local or reserved address/);
  });

  it("allows it when private networks are allowed", async () => {
    expect(await resolveTarget("[::ffff:7f00:1]", true)).toEqual({ address: "::ffff:7f00:1", family: 6 });
  });

  it("accepts a public literal", async () => {
    expect(await resolveTarget("1.1.1.1", false)).toEqual({ address: "1.1.1.1", family: 4 });
  });
});
