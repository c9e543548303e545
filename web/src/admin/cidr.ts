//! The IP allow-list as the company settings screen edits it: one network per line (CIDR, or
//! a single address), and whether a list admits an address — the same test the API applies
//! before it answers (`access::ip_allowed`): an empty list admits everyone, and an
//! IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is judged as the IPv4 address it carries —
//! written into the list, it is the IPv4 network it stands for, as the API saves it.
//! The client refuses a list that would shut the administrator out before sending it; the
//! API's own refusal remains the final word.

/** An address: 4 bytes (IPv4) or 16 bytes (IPv6), most significant first. */
export interface Address {
  bytes: number[];
}

/** A network: its address and prefix length in bits (32 for a single IPv4 address). */
export interface Network {
  address: Address;
  prefix: number;
}

function parseV4(s: string): number[] | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith("0"))) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function parseV6(s: string): number[] | null {
  let text = s;
  // A trailing dotted quad (`::ffff:192.0.2.1`) stands for the last two groups.
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (!v4) return null;
    text = `${text.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const given = head.length + rest.length;
  // Without `::` all eight groups are written; with it, at least one is left out.
  if (halves.length === 1 ? given !== 8 : given > 7) return null;
  const bytes: number[] = [];
  for (const g of [...head, ...Array<string>(8 - given).fill("0"), ...rest]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const n = parseInt(g, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  return bytes;
}

/** An IPv4 or IPv6 address as text, or `null` when it is not one. */
export function parseAddress(text: string): Address | null {
  const s = text.trim();
  const bytes = s.includes(":") ? parseV6(s) : parseV4(s);
  return bytes ? { bytes } : null;
}

/**
 * A network in CIDR notation, or a single address (a /32 or /128 network); `null` if neither.
 * An IPv4-mapped one (`::ffff:192.0.2.7`, `::ffff:192.0.2.0/120`) is the IPv4 network it
 * stands for; an IPv6 network wider than the mapped block (`::/80`) stays IPv6.
 */
export function parseNetwork(text: string): Network | null {
  const s = text.trim();
  const slash = s.indexOf("/");
  const address = parseAddress(slash < 0 ? s : s.slice(0, slash));
  if (!address) return null;
  const max = address.bytes.length * 8;
  const p = slash < 0 ? String(max) : s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p) || Number(p) > max) return null;
  const prefix = Number(p);
  const v4 = unmapped(address);
  return v4 !== address && prefix >= 96 ? { address: v4, prefix: prefix - 96 } : { address, prefix };
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) carries, else the address itself. */
export function unmapped(a: Address): Address {
  const b = a.bytes;
  if (b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return { bytes: b.slice(12) };
  return a;
}

/** Whether `net` contains `address` (an IPv4 network never contains an IPv6 address, nor the reverse). */
export function contains(net: Network, address: Address): boolean {
  const a = address.bytes;
  const n = net.address.bytes;
  if (a.length !== n.length) return false;
  for (let bit = 0; bit < net.prefix; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((a[byte] & mask) !== (n[byte] & mask)) return false;
  }
  return true;
}

/**
 * Whether an allow-list admits `ip`: `true` for an empty list or a network that contains the
 * address (IPv4-mapped addresses judged as IPv4), `false` when none does, and `null` when
 * the address is unknown or unreadable (the API decides).
 */
export function admits(networks: readonly Network[], ip: string | null | undefined): boolean | null {
  if (networks.length === 0) return true;
  const a = ip ? parseAddress(ip) : null;
  if (!a) return null;
  const plain = unmapped(a);
  return networks.some((n) => contains(n, plain));
}

/** One line of the editor that holds a network, with its place (1-based line number). */
export interface ListEntry {
  line: number;
  text: string;
  network: Network | null;
}

/** The editor's text as the list it stands for: one entry per non-blank line, trimmed. */
export function readList(text: string): ListEntry[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ line: i + 1, text: raw.normalize("NFKC").trim() }))
    .filter((e) => e.text !== "")
    .map((e) => ({ ...e, network: parseNetwork(e.text) }));
}
