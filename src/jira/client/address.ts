// Where the client may connect. Unless `allowInsecure`: https only, and the socket may only go to a
// public unicast address. The base URL is checked before any request (IP literals too, since Node
// skips the lookup for them); host names are checked at connect time through undici's
// `connect.lookup`, on the addresses the socket will actually use, so a DNS answer that changes
// between a check and the connection (rebinding) cannot slip through.
import dns from 'node:dns';
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';

/** Why an address is refused (e.g. "loopback"), or null when it is public unicast. */
export function refusedRange(address: string): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(address); // also turns ::ffff:a.b.c.d into a.b.c.d
  } catch {
    return 'not an IP address';
  }
  const range = ip.range();
  if (range === 'unicast' && !(ip instanceof ipaddr.IPv6 && isIPv4Compatible(ip))) return null;
  // NAT64 (64:ff9b::/96) and IPv4-compatible IPv6 (::a.b.c.d, deprecated; ipaddr.js calls it
  // unicast) carry an IPv4 address in their last 32 bits: judge that one.
  if (ip instanceof ipaddr.IPv6 && (range === 'rfc6052' || isIPv4Compatible(ip))) {
    const b = ip.toByteArray();
    const v4 = new ipaddr.IPv4(b.slice(12, 16));
    return v4.range() === 'unicast' ? null : v4.range();
  }
  return range;
}

/** ::a.b.c.d: the first 96 bits zero, and not :: or ::1 themselves. */
function isIPv4Compatible(ip: ipaddr.IPv6): boolean {
  const p = ip.parts;
  return p.slice(0, 6).every((x) => x === 0) && !(p[6] === 0 && (p[7] === 0 || p[7] === 1));
}

/** The reason a connection was refused; found in the `cause` chain of fetch's TypeError. */
export class RefusedAddressError extends Error {
  constructor(readonly host: string, readonly detail: string) {
    super(`refused to connect to ${host}: ${detail}`);
    this.name = 'RefusedAddressError';
  }
}

export interface CheckedBaseUrl {
  /** Origin plus path prefix, without a trailing slash. */
  base: string;
  host: string;
}

/** Validates the configured base URL; returns a reason string instead of throwing. */
export function checkBaseUrl(raw: string, allowInsecure: boolean): CheckedBaseUrl | string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'the Jira base URL is not a valid URL';
  }
  if (u.protocol !== 'https:' && !(allowInsecure && u.protocol === 'http:')) {
    return `the Jira base URL must use https (got ${u.protocol.replace(/:$/, '')})`;
  }
  if (u.username !== '' || u.password !== '') return 'the Jira base URL must not contain a user name or password';
  if (u.search !== '' || u.hash !== '') return 'the Jira base URL must not contain a query or fragment';
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  if (!allowInsecure && ipaddr.isValid(host)) {
    const why = refusedRange(host);
    if (why !== null) return `refused to connect to ${host}: it is a ${why} address`;
  }
  return { base: `${u.origin}${u.pathname.replace(/\/+$/, '')}`, host: u.hostname };
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `dns.lookup`-compatible function for net/tls connect options that drops every address that is
 * not public unicast and fails when none is left. Node calls it with `all: true` when it tries
 * several addresses (autoSelectFamily, the default in Node 20), with `all: false` otherwise.
 */
export function publicOnlyLookup(hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const allowed: LookupAddress[] = [];
    const refused: string[] = [];
    for (const a of addresses) {
      const why = refusedRange(a.address);
      if (why === null) allowed.push(a);
      else refused.push(`${a.address} (${why})`);
    }
    const first = allowed[0];
    if (first === undefined) {
      const detail = refused.length > 0 ? `it resolves to ${refused.join(', ')}` : 'it resolves to no address';
      return callback(new RefusedAddressError(hostname, detail), []);
    }
    if ((options as LookupAllOptions).all === true) return callback(null, allowed);
    callback(null, first.address, first.family);
  });
}
