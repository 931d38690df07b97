import type { ReactNode } from 'react';
import type { AlertStatus, Severity } from '../types';

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`badge sev-${severity.toLowerCase()}`}>{severity}</span>;
}

export function StatusBadge({ status }: { status: AlertStatus | string }) {
  return <span className={`badge st-${status.toLowerCase()}`}>{status}</span>;
}

export function StateBadge({ state }: { state: string }) {
  return <span className={`badge job-${state}`}>{state}</span>;
}

export function ErrorBox({ error, title }: { error: string | null | undefined; title?: string }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {error}
    </div>
  );
}

export function Loading() {
  return (
    <p className="muted" role="status">
      Loading…
    </p>
  );
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-title">
      <h1>{children}</h1>
      {actions ? <div className="actions">{actions}</div> : null}
    </div>
  );
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "console", "api" or "Jira via <destination>" for an origin such as destination:dst_1. */
export function originText(origin: string, destinationNames: Map<string, string>): string {
  if (origin.startsWith('destination:')) {
    const id = origin.slice('destination:'.length);
    return `Jira via ${destinationNames.get(id) ?? id}`;
  }
  return origin;
}
