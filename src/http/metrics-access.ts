// Who may read GET /metrics: with ALERTSYNC_METRICS_TOKEN set, whoever sends that bearer token
// (from anywhere); without it, loopback callers only (a scraper on the same host, or a sidecar).
import { createHash, timingSafeEqual } from 'node:crypto';
import ipaddr from 'ipaddr.js';

export type MetricsAccess = 'allow' | 'token_required' | 'loopback_only';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  try {
    let ip = ipaddr.parse(address);
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    return ip.range() === 'loopback';
  } catch {
    return false;
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function metricsAccess(req: { remoteAddress: string | undefined; authorization: string | undefined }, token: string | null): MetricsAccess {
  if (token === null) return isLoopback(req.remoteAddress) ? 'allow' : 'loopback_only';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.authorization ?? '');
  return m && timingSafeEqual(digest(m[1]!), digest(token)) ? 'allow' : 'token_required';
}
