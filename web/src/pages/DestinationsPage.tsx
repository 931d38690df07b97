import { api } from '../api';
import { POLL_MS, useData } from '../hooks';
import { Link } from '../router';
import { useUser } from '../session';
import { can, type Destination, type DestinationDeliveries } from '../types';
import { ErrorBox, Loading, PageTitle, when } from '../components/ui';

interface Health {
  lastSuccess: string | null;
  lastFailure: { at: string; error: string } | null;
  waiting: number;
  failed: number;
}

async function health(id: string): Promise<Health> {
  const d = await api<DestinationDeliveries>('GET', `/api/destinations/${id}/deliveries?limit=100`);
  const ok = d.attempts.find((a) => a.outcome === 'ok' || a.outcome === 'found');
  const bad = d.attempts.find((a) => a.outcome === 'failed' || a.outcome === 'retry');
  return {
    lastSuccess: ok?.at ?? null,
    lastFailure: bad ? { at: bad.at, error: bad.error ?? `HTTP ${bad.httpStatus ?? '?'}` } : null,
    waiting: d.queue.pending + d.queue.running + d.queue.blocked + d.queue.paused,
    failed: d.queue.failed,
  };
}

export default function DestinationsPage() {
  const me = useUser();
  const isAdmin = can(me.role, 'destinations:write');
  const list = useData(async () => {
    const { destinations } = await api<{ destinations: Destination[] }>('GET', '/api/destinations');
    const h = await Promise.all(destinations.map((d) => health(d.id)));
    return destinations.map((d, i) => ({ d, h: h[i]! }));
  }, [], POLL_MS * 2);

  return (
    <>
      <PageTitle actions={isAdmin ? <Link className="button primary" to="/destinations/new">New destination</Link> : null}>Destinations</PageTitle>
      <ErrorBox error={list.error} />
      {!list.data ? (
        <Loading />
      ) : list.data.length === 0 ? (
        <p>No destination yet.{isAdmin ? ' Create one to send alerts to Jira.' : ''}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Destinations with their health</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Jira project</th>
                <th scope="col">Sync (status / assignee / comments)</th>
                <th scope="col">Last success</th>
                <th scope="col">Last error</th>
                <th scope="col">Jobs waiting</th>
                {isAdmin ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {list.data.map(({ d, h }) => (
                <tr key={d.id} data-destination-id={d.id}>
                  <td>
                    <strong>{d.name}</strong>
                    {!d.enabled ? <span className="badge job-paused">disabled</span> : null}
                  </td>
                  <td>
                    {d.projectKey} <span className="muted small">on {d.siteHost}</span>
                  </td>
                  <td className="small">{[d.sync.status, d.sync.assignee, d.sync.comments].map((m) => m.replace('_', '-')).join(' / ')}</td>
                  <td className="small">{when(h.lastSuccess)}</td>
                  <td className="small">
                    {d.lastError ?? h.lastFailure?.error ?? '—'}
                    {h.lastFailure ? <div className="muted">{when(h.lastFailure.at)}</div> : null}
                  </td>
                  <td>
                    {h.waiting}
                    {h.failed ? <span className="muted small"> ({h.failed} failed)</span> : null}
                  </td>
                  {isAdmin ? (
                    <td>
                      <Link to={`/destinations/${d.id}/edit`} aria-label={`Edit ${d.name}`}>
                        Edit
                      </Link>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
