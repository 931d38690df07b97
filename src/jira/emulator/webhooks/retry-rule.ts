// Which failed webhook deliveries Jira Cloud retries. Source: Atlassian's announcement "New Jira
// Cloud webhook retry policy" (https://community.developer.atlassian.com/t/new-jira-cloud-webhook-retry-policy/30554)
// and https://developer.atlassian.com/cloud/jira/platform/webhooks/#retry-policy: retries are
// attempted when the callback answers 408, 409, 425, 429 or 5xx, or when the connection fails or
// times out; any other answer (2xx success, 3xx, other 4xx such as 400/401/403/404/410) is final.
// The number of retries is bounded (RetryPolicy.maxRetries, default 5).

/** A delivery attempt's outcome: an HTTP status, or null for a connection error / timeout. */
export type AttemptOutcome = number | null;

const RETRIED_4XX = new Set([408, 409, 425, 429]);

export function isDelivered(status: AttemptOutcome): boolean {
  return status !== null && status >= 200 && status < 300;
}

/** true when Jira Cloud would send this delivery again after this outcome. */
export function isRetryable(status: AttemptOutcome): boolean {
  if (status === null) return true;
  return RETRIED_4XX.has(status) || (status >= 500 && status <= 599);
}

/** Whether to schedule another attempt: retryable outcome and retries left (`attempt` 0 = the first send). */
export function shouldRetry(status: AttemptOutcome, attempt: number, maxRetries: number): boolean {
  return !isDelivered(status) && isRetryable(status) && attempt < maxRetries;
}
