import { describe, expect, it } from "vitest";
import { admits, contains, parseAddress, parseNetwork, readList, type Network } from "./cidr";

const nets = (...list: string[]): Network[] => list.map((s) => parseNetwork(s)!);

describe("reading networks as an administrator types them", () => {
  it("reads IPv4 and IPv6 CIDRs and single addresses", () => {
    expect(parseNetwork("203.0.113.0/24")).toEqual({ address: { bytes: [203, 0, 113, 0] }, prefix: 24 });
    expect(parseNetwork("192.0.2.7")?.prefix).toBe(32);
    expect(parseNetwork("2001:db8::/32")?.address.bytes).toEqual([0x20, 0x01, 0x0d, 0xb8, ...Array(12).fill(0)]);
    expect(parseNetwork("::1")?.prefix).toBe(128);
    expect(parseAddress("::ffff:192.0.2.1")?.bytes).toEqual([...Array(10).fill(0), 0xff, 0xff, 192, 0, 2, 1]);
    expect(parseAddress("1:2:3:4:5:6:7:8")?.bytes.length).toBe(16);
  });
  it("refuses what is not a network: a fifth octet, 256, a /33, two '::', nine groups, a name", () => {
    for (const bad of ["10.0.0.0.1/8", "10.0.256.0/24", "10.0.0.0/33", "2001:db8::/129", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "intranet", "10.0.0/24", "", "10.0.0.0/", "010.0.0.1"]) {
      expect(parseNetwork(bad), bad).toBeNull();
    }
  });
});

describe("whether a list admits an address", () => {
  it("10.1.2.3 is inside 10.0.0.0/8 and outside 10.0.0.0/16 (its 9th–16th bits differ)", () => {
    expect(contains(parseNetwork("10.0.0.0/8")!, parseAddress("10.1.2.3")!)).toBe(true);
    expect(contains(parseNetwork("10.0.0.0/16")!, parseAddress("10.1.2.3")!)).toBe(false);
  });
  it("a /25 splits a /24 at .128: .127 in the lower half, .128 not", () => {
    const lower = parseNetwork("192.0.2.0/25")!;
    expect(contains(lower, parseAddress("192.0.2.127")!)).toBe(true);
    expect(contains(lower, parseAddress("192.0.2.128")!)).toBe(false);
  });
  it("an empty list admits everyone, even an unknown address", () => {
    expect(admits([], "198.51.100.1")).toBe(true);
    expect(admits([], null)).toBe(true);
  });
  it("the loopback address is admitted by 127.0.0.0/8 and refused by 192.0.2.0/24", () => {
    expect(admits(nets("192.0.2.0/24", "127.0.0.0/8"), "127.0.0.1")).toBe(true);
    expect(admits(nets("192.0.2.0/24"), "127.0.0.1")).toBe(false);
  });
  it("an IPv4-mapped IPv6 caller is judged by its IPv4 address, as the API does", () => {
    expect(admits(nets("127.0.0.0/8"), "::ffff:127.0.0.1")).toBe(true);
    expect(admits(nets("192.0.2.0/24"), "::ffff:c000:0201")).toBe(true);
    expect(admits(nets("192.0.2.0/24"), "::ffff:198.51.100.1")).toBe(false);
    // A mapped address is no longer IPv6 once judged, so an IPv6 network that merely spans
    // the mapped block does not admit it.
    expect(admits(nets("::/80"), "::ffff:192.0.2.1")).toBe(false);
    expect(admits(nets("::/80"), "192.0.2.1")).toBe(false);
  });
  it("a mapped entry in the list is the IPv4 network it stands for, as the API saves it", () => {
    expect(parseNetwork("::ffff:192.0.2.7")).toEqual({ address: { bytes: [192, 0, 2, 7] }, prefix: 32 });
    expect(parseNetwork("::ffff:192.0.2.0/120")).toEqual({ address: { bytes: [192, 0, 2, 0] }, prefix: 24 });
    expect(admits(nets("::ffff:127.0.0.1"), "127.0.0.1")).toBe(true);
    expect(admits(nets("::ffff:127.0.0.1"), "::ffff:127.0.0.1")).toBe(true);
    expect(admits(nets("::ffff:0:0/96"), "192.0.2.1")).toBe(true);
    expect(admits(nets("::ffff:127.0.0.1"), "127.0.0.2")).toBe(false);
    expect(parseNetwork("::ffff:0:0/95")?.address.bytes.length).toBe(16);
  });
  it("IPv6 callers against IPv6 networks; never across families", () => {
    expect(admits(nets("2001:db8::/32"), "2001:db8:1::5")).toBe(true);
    expect(admits(nets("2001:db8::/32"), "2001:db9::5")).toBe(false);
    expect(admits(nets("0.0.0.0/0"), "2001:db8::1")).toBe(false);
    expect(admits(nets("::/0"), "192.0.2.1")).toBe(false);
  });
  it("an unknown or unreadable caller address leaves the decision to the API", () => {
    expect(admits(nets("127.0.0.0/8"), null)).toBeNull();
    expect(admits(nets("127.0.0.0/8"), "localhost")).toBeNull();
  });
});

describe("the editor's text", () => {
  it("one network per line; blank lines skipped; full-width digits read; line numbers kept for errors", () => {
    const list = readList("192.0.2.0/24\n\n  １２７．０．０．１ \r\nnot-a-network\n");
    expect(list.map((e) => [e.line, e.text, e.network !== null])).toEqual([
      [1, "192.0.2.0/24", true],
      [3, "127.0.0.1", true],
      [4, "not-a-network", false],
    ]);
  });
});
