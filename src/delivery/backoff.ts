// Exponential backoff with full jitter, honouring Retry-After (which wins even above the cap).
export function retryDelayMs(attempt: number, opts: { baseMs: number; maxMs: number; retryAfterMs?: number | null; random?: () => number }): number {
  const random = opts.random ?? Math.random;
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  // Half fixed, half jitter: spreads a storm of retries without ever retrying immediately.
  const delay = Math.round(exp / 2 + random() * (exp / 2));
  return Math.max(delay, opts.retryAfterMs ?? 0);
}
