import { BlockList, isIP } from 'node:net';

/**
 * What an IP address is, for deciding whether the platform may connect to it. Everything other
 * than `public` is refused by the SSRF guard unless allow-listed.
 */
export type AddressCategory =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade-nat'
  | 'unique-local'
  | 'multicast'
  | 'reserved'
  | 'invalid';

type Range = readonly [
  category: Exclude<AddressCategory, 'public' | 'invalid'>,
  network: string,
  prefix: number,
];

/**
 * From the IANA special-purpose registries (RFC 6890 and successors): the ranges that are not
 * globally reachable, or reach this host or its network. Order matters where ranges nest:
 * `::` and `::1` are looked up before the deprecated IPv4-compatible `::/96` that holds them.
 */
const IPV4_RANGES: readonly Range[] = [
  ['unspecified', '0.0.0.0', 8], // "this network"; Linux connects 0.0.0.0 to the local host
  ['loopback', '127.0.0.0', 8],
  ['private', '10.0.0.0', 8],
  ['private', '172.16.0.0', 12],
  ['private', '192.168.0.0', 16],
  ['link-local', '169.254.0.0', 16], // includes the cloud metadata endpoint 169.254.169.254
  ['carrier-grade-nat', '100.64.0.0', 10],
  ['multicast', '224.0.0.0', 4],
  ['reserved', '240.0.0.0', 4], // includes the limited broadcast 255.255.255.255
  ['reserved', '192.0.0.0', 24], // IETF protocol assignments
  ['reserved', '192.0.2.0', 24], // documentation (TEST-NET-1..3)
  ['reserved', '198.51.100.0', 24],
  ['reserved', '203.0.113.0', 24],
  ['reserved', '198.18.0.0', 15], // benchmarking
  ['reserved', '192.88.99.0', 24], // deprecated 6to4 relay anycast
];

const IPV6_RANGES: readonly Range[] = [
  ['unspecified', '::', 128],
  ['loopback', '::1', 128],
  ['link-local', 'fe80::', 10],
  ['unique-local', 'fc00::', 7],
  ['multicast', 'ff00::', 8],
  ['reserved', '::', 96], // IPv4-compatible addresses, deprecated (RFC 4291)
  ['reserved', 'fec0::', 10], // site-local, deprecated
  ['reserved', '64:ff9b:1::', 48], // local-use NAT64 (RFC 8215): translates into private networks
  ['reserved', '100::', 64], // discard-only
  ['reserved', '2001:db8::', 32], // documentation
  ['reserved', '3fff::', 20], // documentation (RFC 9637)
  ['reserved', '2001:2::', 48], // benchmarking
  ['reserved', '2001:10::', 28], // ORCHID, deprecated
];

function blockLists(ranges: readonly Range[], family: 'ipv4' | 'ipv6'): [Range[0], BlockList][] {
  return ranges.map(([category, network, prefix]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return [category, list];
  });
}

const IPV4_LISTS = blockLists(IPV4_RANGES, 'ipv4');
const IPV6_LISTS = blockLists(IPV6_RANGES, 'ipv6');

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted quad split). */
function hextets(address: string): number[] {
  const groups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [parseInt(group, 16)];
          const [a, b, c, d] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head, tail] = address.split('::');
  if (tail === undefined) return groups(head);
  const start = groups(head);
  const end = groups(tail);
  return [...start, ...new Array<number>(8 - start.length - end.length).fill(0), ...end];
}

const dottedQuad = (high: number, low: number): string =>
  [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');

/**
 * The IPv4 address an IPv6 address carries, where connecting to the IPv6 address reaches that IPv4
 * host: IPv4-mapped `::ffff:0:0/96`, IPv4-translated `::ffff:0:0:0/96`, NAT64 `64:ff9b::/96`,
 * 6to4 `2002::/16` and the Teredo client (`2001::/32`, stored inverted).
 */
function embeddedIpv4(h: number[]): string | undefined {
  const zeros = (from: number, to: number): boolean => h.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && h[5] === 0xffff) return dottedQuad(h[6], h[7]);
  if (zeros(0, 4) && h[4] === 0xffff && h[5] === 0) return dottedQuad(h[6], h[7]);
  if (h[0] === 0x64 && h[1] === 0xff9b && zeros(2, 6)) return dottedQuad(h[6], h[7]);
  if (h[0] === 0x2002) return dottedQuad(h[1], h[2]);
  if (h[0] === 0x2001 && h[1] === 0) return dottedQuad(~h[6] & 0xffff, ~h[7] & 0xffff);
  return undefined;
}

function ipv4Category(address: string): AddressCategory {
  return IPV4_LISTS.find(([, list]) => list.check(address, 'ipv4'))?.[0] ?? 'public';
}

/**
 * Classifies an IP address (v4 or v6, an IPv6 zone suffix such as `%eth0` ignored). An IPv6
 * address that embeds an IPv4 one takes the IPv4 address's category when that is not `public`.
 * Anything that is not an IP address is `invalid`.
 */
export function addressCategory(address: string): AddressCategory {
  const bare = address.replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return ipv4Category(bare);
  if (family !== 6) return 'invalid';
  const embedded = embeddedIpv4(hextets(bare));
  if (embedded !== undefined) {
    const category = ipv4Category(embedded);
    if (category !== 'public') return category;
  }
  return IPV6_LISTS.find(([, list]) => list.check(bare, 'ipv6'))?.[0] ?? 'public';
}
