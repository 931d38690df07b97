import { useMemo, useRef, useState } from 'react';
import { api } from '../api';
import { POLL_MS, useData } from '../hooks';
import { Link, navigate, useLocation } from '../router';
import { ALERT_TYPES, SEVERITIES, STATUSES, type Alert, type AlertDeliveries, type Destination, type Link as IssueLink, type User } from '../types';
import { ErrorBox, Loading, PageTitle, SeverityBadge, StatusBadge, when } from '../components/ui';

const FILTERS = ['status', 'severity', 'type', 'assignee', 'destination', 'q'] as const;
type Filter = (typeof FILTERS)[number];

/** The alerts, filtered by the URL's query (so a filtered view can be shared), refreshed every few seconds. */
export function AlertsPage() {
  const { search } = useLocation();
  const f = Object.fromEntries(FILTERS.map((k) => [k, search.get(k) ?? ''])) as Record<Filter, string>;
  const key = FILTERS.map((k) => f[k]).join('|');
  const users = useData(() => api<{ users: User[] }>('GET', '/api/users'), []);
  const destinations = useData(() => api<{ destinations: Destination[] }>('GET', '/api/destinations'), []);
  // An alert's issue links do not change once made: keep them, and ask only for alerts without one yet.
  const links = useRef(new Map<string, IssueLink[]>());

  const list = useData(
    async () => {
      const qs = new URLSearchParams({ limit: '100' });
      if (f.status) qs.append('status', f.status);
      if (f.severity) qs.append('severity', f.severity);
      if (f.type) qs.append('type', f.type);
      if (f.assignee) qs.set('assignee', f.assignee);
      if (f.q) qs.set('q', f.q);
      if (f.destination) qs.set('destination', f.destination);
      const r = await api<{ alerts: Alert[]; nextCursor: string | null }>('GET', `/api/alerts?${qs}`);
      const missing = r.alerts.filter((a) => !(links.current.get(a.id)?.length));
      await Promise.all(
        missing.map(async (a) => {
          const d = await api<AlertDeliveries>('GET', `/api/alerts/${a.id}/deliveries`);
          links.current.set(a.id, d.links);
        }),
      );
      return r;
    },
    [key],
    POLL_MS,
  );

  const userNames = useMemo(() => new Map((users.data?.users ?? []).map((u) => [u.id, u.name])), [users.data]);
  const rows = list.data?.alerts ?? [];
  const [text, setText] = useState(f.q);

  function set(k: Filter, v: string) {
    const qs = new URLSearchParams(search);
    if (v) qs.set(k, v);
    else qs.delete(k);
    const s = qs.toString();
    navigate(`/alerts${s ? `?${s}` : ''}`, { replace: true });
  }

  return (
    <>
      <PageTitle>Alerts</PageTitle>
      <form
        className="filters"
        role="search"
        aria-label="Filter alerts"
        onSubmit={(e) => {
          e.preventDefault();
          set('q', text.trim());
        }}
      >
        <Select label="Status" value={f.status} onChange={(v) => set('status', v)} options={STATUSES.map((s) => [s, s])} />
        <Select label="Severity" value={f.severity} onChange={(v) => set('severity', v)} options={SEVERITIES.map((s) => [s, s])} />
        <Select label="Type" value={f.type} onChange={(v) => set('type', v)} options={ALERT_TYPES.map((s) => [s, s])} />
        <Select label="Assignee" value={f.assignee} onChange={(v) => set('assignee', v)} options={[['none', 'Unassigned'], ...(users.data?.users ?? []).map((u) => [u.id, u.name] as [string, string])]} />
        <Select label="Destination" value={f.destination} onChange={(v) => set('destination', v)} options={(destinations.data?.destinations ?? []).map((d) => [d.id, d.name] as [string, string])} />
        <label className="grow">
          Text
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="title, description, tags" />
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={list.error} />
      {!list.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p className="muted">No alert matches.</p>
      ) : (
        <div className="table-wrap">
          <table className="alerts">
            <caption className="sr-only">Alerts, newest first (refreshed every few seconds)</caption>
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Assignee</th>
                <th scope="col">Jira</th>
                <th scope="col" className="created">Created</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id} data-alert-id={a.id}>
                  <td>
                    <SeverityBadge severity={a.severity} />
                  </td>
                  <td>
                    <Link to={`/alerts/${a.id}`}>{a.title}</Link>
                    <div className="muted small">
                      {a.type}
                      {a.occurrences > 1 ? ` · ${a.occurrences} occurrences` : ''}
                    </div>
                  </td>
                  <td>
                    <StatusBadge status={a.status} />
                  </td>
                  <td className="assignee">{a.assigneeId ? (userNames.get(a.assigneeId) ?? a.assigneeId) : <span className="muted">—</span>}</td>
                  <td>
                    {(links.current.get(a.id) ?? []).map((l) => (
                      <a key={l.issueId} className="issue-key" href={l.issueUrl} target="_blank" rel="noreferrer noopener">
                        {l.issueKey}
                      </a>
                    ))}
                  </td>
                  <td className="small created">{when(a.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function Select({ label, value, onChange, options }: { label: string; value: string; onChange: (v: string) => void; options: Array<[string, string]> }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any</option>
        {options.map(([v, t]) => (
          <option key={v} value={v}>
            {t}
          </option>
        ))}
      </select>
    </label>
  );
}
