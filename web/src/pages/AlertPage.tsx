import { useMemo, useState, type FormEvent } from 'react';
import { api, errorText } from '../api';
import { POLL_MS, useData } from '../hooks';
import { Link } from '../router';
import { useUser } from '../session';
import { STATUSES, can, type AlertDeliveries, type AlertDetail, type AlertStatus, type Change, type Destination, type User } from '../types';
import { ErrorBox, Loading, PageTitle, SeverityBadge, StateBadge, StatusBadge, originText, when } from '../components/ui';
import { Markdown } from '../components/Markdown';

export default function AlertPage({ id }: { id: string }) {
  const me = useUser();
  const mayWrite = can(me.role, 'alerts:write');
  const mayDispatch = can(me.role, 'alerts:dispatch');
  const detail = useData(() => api<AlertDetail>('GET', `/api/alerts/${encodeURIComponent(id)}`), [id], POLL_MS);
  const deliveries = useData(() => api<AlertDeliveries>('GET', `/api/alerts/${encodeURIComponent(id)}/deliveries`), [id], POLL_MS);
  const users = useData(() => api<{ users: User[] }>('GET', '/api/users'), []);
  const destinations = useData(() => api<{ destinations: Destination[] }>('GET', '/api/destinations'), []);
  const userNames = useMemo(() => new Map((users.data?.users ?? []).map((u) => [u.id, u.name])), [users.data]);
  const destNames = useMemo(() => new Map((destinations.data?.destinations ?? []).map((d) => [d.id, d.name])), [destinations.data]);
  const [actionError, setActionError] = useState<string | null>(null);

  async function act(fn: () => Promise<unknown>) {
    setActionError(null);
    try {
      await fn();
      await Promise.all([detail.reload(), deliveries.reload()]);
    } catch (e) {
      setActionError(errorText(e));
    }
  }

  if (detail.error && !detail.data) return <ErrorBox error={detail.error} />;
  if (!detail.data) return <Loading />;
  const { alert, assignee, comments, history } = detail.data;
  const assignable = (users.data?.users ?? []).filter((u) => !u.disabled && u.role !== 'ingest');

  return (
    <>
      <p className="crumbs">
        <Link to="/alerts">← Alerts</Link>
      </p>
      <PageTitle>
        <SeverityBadge severity={alert.severity} /> {alert.title}
      </PageTitle>
      <ErrorBox error={actionError} />
      <div className="alert-grid">
        <div className="alert-main">
          <section className="card" aria-labelledby="h-desc">
            <h2 id="h-desc">Description</h2>
            {alert.description ? <p className="pre">{alert.description}</p> : <p className="muted">No description.</p>}
            <h3>Runbook</h3>
            {alert.runbook ? <p className="pre">{alert.runbook}</p> : <p className="muted">No runbook.</p>}
            <h3>Context</h3>
            <pre className="json" tabIndex={0} aria-label="Alert context (JSON)">
              {JSON.stringify(alert.context, null, 2)}
            </pre>
          </section>

          <section className="card" aria-labelledby="h-comments">
            <h2 id="h-comments">Comments</h2>
            {comments.length === 0 ? <p className="muted">No comment yet.</p> : null}
            <ol className="comments">
              {comments.map((c) => (
                <li key={c.id} className="comment">
                  <div className="meta">
                    <strong>{c.authorName}</strong> <span className="muted small">· {originText(c.origin, destNames)} · {when(c.createdAt)}</span>
                  </div>
                  <Markdown source={c.body} />
                </li>
              ))}
            </ol>
            {mayWrite ? <Composer onSend={(body) => act(() => api('POST', `/api/alerts/${alert.id}/comments`, { body }))} /> : null}
          </section>

          <section className="card" aria-labelledby="h-history">
            <h2 id="h-history">History</h2>
            <ol className="history">
              {history.map((h) => (
                <li key={h.id}>
                  <span className="small muted">{when(h.at)}</span> {changeText(h, userNames)} <span className="muted">by {h.actor.name}</span> <span className="origin">{originText(h.origin, destNames)}</span>
                </li>
              ))}
            </ol>
          </section>
        </div>

        <aside className="alert-side" aria-label="Alert properties">
          <section className="card">
            <h2>Properties</h2>
            <dl className="props">
              <dt>Status</dt>
              <dd>
                {mayWrite ? (
                  <select aria-label="Status" value={alert.status} onChange={(e) => void act(() => api('PUT', `/api/alerts/${alert.id}/status`, { status: e.target.value as AlertStatus }))}>
                    {STATUSES.map((s) => (
                      <option key={s}>{s}</option>
                    ))}
                  </select>
                ) : (
                  <StatusBadge status={alert.status} />
                )}
              </dd>
              <dt>Assignee</dt>
              <dd>
                {mayWrite ? (
                  <select aria-label="Assignee" value={alert.assigneeId ?? ''} onChange={(e) => void act(() => api('PUT', `/api/alerts/${alert.id}/assignee`, e.target.value ? { userId: e.target.value } : {}))}>
                    <option value="">Unassigned</option>
                    {assignee && !assignable.some((u) => u.id === assignee.id) ? <option value={assignee.id}>{assignee.name}</option> : null}
                    {assignable.map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name}
                      </option>
                    ))}
                  </select>
                ) : (
                  <span className="assignee">{assignee?.name ?? 'Unassigned'}</span>
                )}
              </dd>
              <dt>Type</dt>
              <dd>{alert.type}</dd>
              <dt>Rule</dt>
              <dd>{alert.ruleId ?? '—'}</dd>
              <dt>Tags</dt>
              <dd>{alert.tags.length ? alert.tags.map((t) => <span key={t} className="tag">{t}</span>) : '—'}</dd>
              <dt>Log types</dt>
              <dd>{alert.logTypes.join(', ') || '—'}</dd>
              <dt>Occurrences</dt>
              <dd>{alert.occurrences}</dd>
              <dt>Created</dt>
              <dd>{when(alert.createdAt)}</dd>
              <dt>Last seen</dt>
              <dd>{when(alert.lastSeenAt)}</dd>
            </dl>
          </section>

          <section className="card" aria-labelledby="h-deliveries">
            <h2 id="h-deliveries">Jira issues and deliveries</h2>
            <ErrorBox error={deliveries.error} />
            {deliveries.data ? (
              <>
                <ul className="links">
                  {deliveries.data.links.map((l) => (
                    <li key={l.issueId}>
                      <a className="issue-key" href={l.issueUrl} target="_blank" rel="noreferrer noopener">
                        {l.issueKey}
                      </a>{' '}
                      <span className="muted small">{destNames.get(l.destinationId) ?? l.destinationId}</span>
                    </li>
                  ))}
                </ul>
                {deliveries.data.jobs.length === 0 ? <p className="muted">No delivery.</p> : null}
                <ul className="jobs">
                  {deliveries.data.jobs.map((j) => (
                    <li key={j.id} className="job" data-job-state={j.state}>
                      <div>
                        <StateBadge state={j.state} /> <span>{j.kind.replace(/_/g, ' ')}</span> <span className="muted small">→ {destNames.get(j.destinationId) ?? j.destinationId}</span>
                      </div>
                      <div className="muted small">
                        {j.attempts > 0 ? `${j.attempts} attempt${j.attempts === 1 ? '' : 's'} · ` : ''}
                        {when(j.updatedAt)}
                      </div>
                      {j.lastError ? <p className="jira-error">{j.lastError}</p> : null}
                      {mayDispatch && (j.state === 'failed' || j.state === 'blocked') ? (
                        <button type="button" onClick={() => void act(() => api('POST', `/api/deliveries/${j.id}/retry`))}>
                          Retry
                        </button>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <Loading />
            )}
            {mayDispatch ? <Dispatch destinations={(destinations.data?.destinations ?? []).filter((d) => d.manualDispatch)} onDispatch={(destinationId) => act(() => api('POST', `/api/alerts/${alert.id}/dispatch`, { destinationId }))} /> : null}
          </section>
        </aside>
      </div>
    </>
  );
}

function changeText(h: Change, userNames: Map<string, string>): string {
  const v = (x: unknown) => (x === null || x === undefined ? 'none' : typeof x === 'object' ? JSON.stringify(x) : String(x));
  const kind = h.kind.replace(/_/g, ' ');
  if (h.kind.startsWith('comment') || !h.field) return kind;
  if (h.field === 'assignee') {
    const who = (x: unknown) => (typeof x === 'string' ? (userNames.get(x) ?? x) : x === null || x === undefined ? 'nobody' : v(x));
    return `assignee ${who(h.from)} → ${who(h.to)}`;
  }
  return `${h.field} ${v(h.from)} → ${v(h.to)}`;
}

function Composer({ onSend }: { onSend: (body: string) => Promise<void> }) {
  const [body, setBody] = useState('');
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!body.trim()) return;
    setBusy(true);
    try {
      await onSend(body);
      setBody('');
      setTab('write');
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="composer" onSubmit={submit} aria-label="New comment">
      <div className="tabs" role="group" aria-label="Composer mode">
        <button type="button" aria-pressed={tab === 'write'} onClick={() => setTab('write')}>
          Write
        </button>
        <button type="button" aria-pressed={tab === 'preview'} onClick={() => setTab('preview')}>
          Preview
        </button>
      </div>
      {tab === 'write' ? (
        <label>
          Comment (Markdown)
          <textarea rows={4} value={body} onChange={(e) => setBody(e.target.value)} />
        </label>
      ) : (
        <div className="preview" aria-label="Preview">
          {body.trim() ? <Markdown source={body} /> : <p className="muted">Nothing to preview.</p>}
        </div>
      )}
      <button type="submit" className="primary" disabled={busy || !body.trim()}>
        Add comment
      </button>
    </form>
  );
}

function Dispatch({ destinations, onDispatch }: { destinations: Destination[]; onDispatch: (id: string) => Promise<void> }) {
  const [dest, setDest] = useState('');
  if (destinations.length === 0) return null;
  return (
    <form
      className="dispatch"
      onSubmit={(e) => {
        e.preventDefault();
        if (dest) void onDispatch(dest);
      }}
    >
      <label>
        Send to destination
        <select value={dest} onChange={(e) => setDest(e.target.value)}>
          <option value="">Choose…</option>
          {destinations.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!dest}>
        Dispatch
      </button>
    </form>
  );
}
