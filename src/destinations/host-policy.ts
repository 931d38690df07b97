// Which Jira "organization domains" a destination may point at, so that a destination cannot be
// used to make this server send credentials to an internal address (SSRF).
//
// - https only; no user info, path, query or fragment; port 443 unless the host:port is listed.
// - host `<site>.atlassian.net`, or a host listed in ALERTSYNC_JIRA_HOSTS (self-hosted proxies).
// - the address must be public: IP literals are checked directly, names are resolved and every
//   address must be public unicast (no loopback, private, link-local, unique-local, unspecified,
//   CGNAT, multicast, reserved…). A name that does not resolve now is accepted with a warning:
//   the Jira client checks the resolved address again at every connection (the real guard
//   against DNS rebinding), and never lets credentials follow a redirect.
// - ALERTSYNC_ALLOW_INSECURE_JIRA=1 (tests, the local emulator) lifts the scheme and address rules,
//   and the host rule too unless ALERTSYNC_JIRA_HOSTS is set; the URL shape rules stay.
// - The host rule is applied again by the Jira client before every request (`hostRefusal`, passed
//   to the client by the wiring), so a destination saved while its host was allowed is refused
//   once the host is taken out of ALERTSYNC_JIRA_HOSTS (a restart with the new list).
import ipaddr from 'ipaddr.js';
import { invalid } from '../errors.js';

export type Resolve = (host: string) => Promise<string[]>;

export interface HostPolicy {
  jiraHosts: readonly string[];
  allowInsecureJira: boolean;
  resolve: Resolve;
}

export interface CheckedDomain {
  /** Normalised origin, e.g. https://acme.atlassian.net */
  domain: string;
  /** Lower-case host[:port]. */
  siteHost: string;
  warnings: string[];
}

const ATLASSIAN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.atlassian\.net$/;

/** Address ranges (ipaddr.js names) a Jira site may resolve to: public unicast only. */
export function addressRefusal(address: string): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return 'is not an IP address';
  }
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  if (ip.kind() === 'ipv6' && isIPv4Compatible(ip as ipaddr.IPv6)) {
    // ::a.b.c.d (deprecated by RFC 4291) reaches a.b.c.d on many stacks: ::7f00:1 is 127.0.0.1.
    const v4 = ipaddr.IPv4.parse((ip as ipaddr.IPv6).toNormalizedString().split(':').slice(6).map((h) => parseInt(h, 16)).flatMap((n) => [n >> 8, n & 255]).join('.'));
    const inner = v4.range();
    return inner === 'unicast'
      ? `is an IPv4-compatible IPv6 address (::${v4.toString()}, deprecated by RFC 4291)`
      : `is a ${inner} address (IPv4-compatible IPv6 of ${v4.toString()})`;
  }
  const range = ip.range();
  return range === 'unicast' ? null : `is a ${range} address`;
}

/**
 * Why a destination's site (lower-case host[:port]) may not be called under this policy, or null.
 * Pure; the same rule as at save time: `<site>.atlassian.net` on the default port, or a host
 * (with or without its port) listed in ALERTSYNC_JIRA_HOSTS. With ALERTSYNC_ALLOW_INSECURE_JIRA=1
 * and no list, every host.
 */
export function hostRefusal(siteHost: string, policy: Pick<HostPolicy, 'jiraHosts' | 'allowInsecureJira'>): string | null {
  const site = siteHost.toLowerCase();
  if (policy.allowInsecureJira && policy.jiraHosts.length === 0) return null;
  const m = /^(\[[^\]]*\]|[^:]+)(?::(\d+))?$/.exec(site);
  const host = bareHost(m?.[1] ?? site);
  const port = m?.[2];
  if (policy.jiraHosts.includes(site) || (port === undefined && policy.jiraHosts.includes(host))) return null;
  if (policy.allowInsecureJira && policy.jiraHosts.includes(host)) return null;
  if (port === undefined && !ipaddr.isValid(host) && ATLASSIAN.test(host)) return null;
  return `the Jira site ${site} is not an Atlassian Cloud site (*.atlassian.net) and is not listed in ALERTSYNC_JIRA_HOSTS`;
}

/** ::a.b.c.d: the first 96 bits zero, and not :: or ::1 themselves. */
function isIPv4Compatible(ip: ipaddr.IPv6): boolean {
  const p = ip.parts;
  return p.slice(0, 6).every((x) => x === 0) && !(p[6] === 0 && (p[7] === 0 || p[7] === 1));
}

function refuse(message: string): never {
  throw invalid('domain_refused', message);
}

function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

export async function checkJiraDomain(raw: string, policy: HostPolicy): Promise<CheckedDomain> {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    refuse(`domain ${JSON.stringify(raw.slice(0, 200))} is not a URL; expected e.g. https://example.atlassian.net`);
  }
  if (u.protocol !== 'https:' && !(policy.allowInsecureJira && u.protocol === 'http:')) {
    refuse(`domain must be an https URL (got ${u.protocol.replace(/:$/, '')}); expected e.g. https://example.atlassian.net`);
  }
  if (u.username || u.password) refuse('domain must not contain a user name or password; the email and API token are separate fields');
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) {
    refuse('domain must be the site address only, without a path, query or fragment (e.g. https://example.atlassian.net)');
  }
  const hostname = u.hostname.toLowerCase();
  const host = bareHost(hostname);
  const siteHost = u.host.toLowerCase();
  const warnings: string[] = [];
  const result = { domain: u.origin.toLowerCase(), siteHost, warnings };
  if (policy.allowInsecureJira) {
    const why = hostRefusal(siteHost, policy);
    if (why !== null) refuse(`domain: ${why}`);
    return result;
  }

  const listed = policy.jiraHosts.includes(siteHost) || (u.port === '' && policy.jiraHosts.includes(host));
  if (u.port !== '' && !listed) refuse(`domain must use the standard https port 443 unless ${siteHost} is listed in ALERTSYNC_JIRA_HOSTS`);

  if (ipaddr.isValid(host)) {
    const why = addressRefusal(host);
    if (why) refuse(`domain ${host} ${why}; Jira sites must be public addresses`);
    if (!listed) refuse(`domain ${host} is an IP address that is not listed in ALERTSYNC_JIRA_HOSTS; use https://<site>.atlassian.net`);
    return result;
  }
  if (!listed && !ATLASSIAN.test(host)) {
    refuse(`domain host ${host} is not an Atlassian Cloud site (*.atlassian.net) and is not listed in ALERTSYNC_JIRA_HOSTS`);
  }

  let addresses: string[];
  try {
    addresses = await policy.resolve(host);
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) {
    warnings.push(`could not resolve ${host} now; it is checked again at every connection`);
    return result;
  }
  for (const a of addresses) {
    const why = addressRefusal(a);
    if (why) refuse(`domain host ${host} resolves to ${a}, which ${why}; Jira sites must be public addresses`);
  }
  return result;
}

/** Default resolver: the system's (getaddrinfo), all addresses, with a time limit. */
export function systemResolve(timeoutMs = 5_000): Resolve {
  return async (host) => {
    const { lookup } = await import('node:dns/promises');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('DNS lookup timed out')), timeoutMs);
    });
    try {
      const found = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
      return found.map((f) => f.address);
    } finally {
      clearTimeout(timer);
    }
  };
}
