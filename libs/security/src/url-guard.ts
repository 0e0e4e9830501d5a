import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { addressCategory, type AddressCategory } from './special-addresses';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (the default is `dns.lookup` with `all: true`). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface CheckUrlOptions {
  /** Permit `http:` as well as `https:` (local development and tests only). */
  allowHttp?: boolean;
  /**
   * Host names (exact, case-insensitive), IP addresses and CIDR blocks that may be reached even
   * though they are not public: for local development and tests. Parse it once at start-up with
   * `parseAllowList` so a bad entry stops the service instead of every request.
   */
  allowList?: readonly string[] | AllowList;
  /** Replaces the system resolver (tests, or a resolver with its own timeout). */
  resolve?: HostResolver;
}

export type UrlRefusalReason =
  'invalid-url' | 'scheme-not-allowed' | 'credentials-in-url' | 'dns-failure' | 'blocked-address';

/** A refusal. It never quotes the URL (which may carry tokens in its query) or an address. */
export interface UrlRefusal {
  ok: false;
  reason: UrlRefusalReason;
  /** With `blocked-address`: what kind of address was refused. */
  category?: Exclude<AddressCategory, 'public'>;
}

export interface CheckedUrl {
  ok: true;
  url: URL;
  /** Every address the host resolved to, all permitted: connect only to these (see `pinnedLookup`). */
  addresses: ResolvedAddress[];
}

/** A parsed allow-list: host names, addresses and CIDR blocks the SSRF guard lets through. */
export class AllowList {
  private readonly hosts = new Set<string>();
  private readonly networks = new BlockList();

  private constructor() {}

  /** Throws a `TypeError` naming every entry that is neither a host name, an IP address nor a CIDR block. */
  static parse(entries: readonly string[]): AllowList {
    const list = new AllowList();
    const bad: string[] = [];
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase();
      const [network, prefixText, extra] = entry.replace(/^\[(.*)\]$/, '$1').split('/');
      const family = isIP(network);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefixText !== undefined) {
        const prefix = Number(prefixText);
        const valid =
          family !== 0 &&
          extra === undefined &&
          /^\d{1,3}$/.test(prefixText) &&
          prefix <= (family === 4 ? 32 : 128);
        if (valid) list.networks.addSubnet(network, prefix, type);
        else bad.push(raw);
      } else if (family !== 0) {
        list.networks.addAddress(network, type);
      } else if (/^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/.test(entry)) {
        list.hosts.add(entry.replace(/\.$/, ''));
      } else {
        bad.push(raw);
      }
    }
    if (bad.length > 0) {
      throw new TypeError(
        `SSRF allow-list entries are not host names, IP addresses or CIDR blocks: ${bad.join(', ')}`,
      );
    }
    return list;
  }

  permitsHost(hostname: string): boolean {
    return this.hosts.has(hostname.toLowerCase().replace(/\.$/, ''));
  }

  permitsAddress(address: string): boolean {
    const bare = address.replace(/%.*$/, '');
    const family = isIP(bare);
    return family !== 0 && this.networks.check(bare, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** `AllowList.parse`, for settings code. */
export const parseAllowList = (entries: readonly string[]): AllowList => AllowList.parse(entries);

const EMPTY_ALLOW_LIST = AllowList.parse([]);

const systemResolver: HostResolver = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, order: 'verbatim' });
  return found.flatMap(({ address, family }) =>
    family === 4 || family === 6 ? [{ address, family: family as 4 | 6 }] : [],
  );
};

/** URL host without the brackets of an IPv6 literal. */
export const bareHostname = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Decides whether the platform may send a request to `input`: `https:` only (`http:` with
 * `allowHttp`), no user name or password in the URL, and every address the host resolves to (or
 * the literal address) public, unless the allow-list permits the host or that address. A host with
 * one private address among public ones is refused: the connection could land on any of them.
 *
 * Checking is not enough on its own: the host may resolve differently a moment later (DNS
 * rebinding). Connect only to the returned `addresses`, with `pinnedLookup` or `safeRequest`.
 */
export async function checkUrl(
  input: string | URL,
  options: CheckUrlOptions = {},
): Promise<CheckedUrl | UrlRefusal> {
  const allowList =
    options.allowList instanceof AllowList
      ? options.allowList
      : options.allowList
        ? AllowList.parse(options.allowList)
        : EMPTY_ALLOW_LIST;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, reason: 'invalid-url' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.allowHttp)) {
    return { ok: false, reason: 'scheme-not-allowed' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'credentials-in-url' };
  const hostname = bareHostname(url);
  if (hostname === '') return { ok: false, reason: 'invalid-url' };

  let addresses: ResolvedAddress[];
  const literal = isIP(hostname);
  if (literal !== 0) {
    addresses = [{ address: hostname, family: literal as 4 | 6 }];
  } else {
    try {
      addresses = await (options.resolve ?? systemResolver)(hostname);
    } catch {
      return { ok: false, reason: 'dns-failure' };
    }
    if (addresses.length === 0) return { ok: false, reason: 'dns-failure' };
  }

  const hostPermitted = allowList.permitsHost(hostname);
  for (const { address } of addresses) {
    const category = addressCategory(address);
    if (category !== 'public' && !hostPermitted && !allowList.permitsAddress(address)) {
      return { ok: false, reason: 'blocked-address', category };
    }
  }
  return { ok: true, url, addresses };
}

/**
 * A `lookup` for `http.request`, `https.request`, `net.connect` or `tls.connect` that answers with
 * the addresses `checkUrl` approved instead of asking DNS again, so the connection goes where the
 * check looked while the request keeps the host name (Host header, TLS SNI and certificate check).
 * It answers whatever name it is asked about: give it to one request, not to a shared agent.
 */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  const pinned = addresses.map(({ address, family }) => ({ address, family }));
  return (_hostname, options, callback) => {
    const wanted = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    const candidates = wanted === 0 ? pinned : pinned.filter((a) => a.family === wanted);
    if (candidates.length === 0) {
      const error: NodeJS.ErrnoException = new Error('no checked address of the requested family');
      error.code = 'ENOTFOUND';
      callback(error, '');
    } else if (options.all) {
      callback(null, candidates);
    } else {
      callback(null, candidates[0].address, candidates[0].family);
    }
  };
}
