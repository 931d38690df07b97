// The overview: charts drawn by Chart.js (loaded with this page only), fed by GET /api/overview.
import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, Tooltip } from 'chart.js';
import { Bar } from 'react-chartjs-2';
import { api } from '../api';
import { POLL_MS, useData } from '../hooks';
import { SEVERITIES, type Overview, type Severity } from '../types';
import { ErrorBox, Loading, PageTitle, when } from '../components/ui';

ChartJS.register(BarElement, CategoryScale, LinearScale, Tooltip, Legend);

// Colours with at least 3:1 contrast against white (chart marks).
const SEV_COLOURS: Record<string, string> = { INFO: '#5a6b7d', LOW: '#2f6db5', MEDIUM: '#a86500', HIGH: '#c2410c', CRITICAL: '#9f1239' };
const STATE_COLOURS: Record<string, string> = { done: '#1b7f3b', pending: '#2f6db5', running: '#6d28d9', blocked: '#a86500', paused: '#5a6b7d', failed: '#b91c1c', cancelled: '#78716c' };

export default function OverviewPage() {
  const o = useData(() => api<Overview>('GET', '/api/overview'), [], POLL_MS * 3);
  if (!o.data)
    return (
      <>
        <PageTitle>Overview</PageTitle>
        {o.error ? <ErrorBox error={o.error} /> : <Loading />}
      </>
    );
  const { alertsOverTime, deliveriesByState, sites } = o.data;

  const times = alertsOverTime.map((b) => new Date(b.bucketStart).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }));
  const destinations = [...new Map(deliveriesByState.map((d) => [d.destinationId, d.destinationName])).entries()];
  const states = [...new Set(deliveriesByState.map((d) => d.state))];
  const names = new Map(deliveriesByState.map((d) => [d.destinationId, d.destinationName]));
  const oldest = describeOldest(o.data.oldestWaitingJob, names);

  return (
    <>
      <PageTitle>Overview</PageTitle>
      <div className="charts">
        <figure className="card chart">
          <figcaption>Alerts over time by severity</figcaption>
          <div className="chart-box">
            <Bar
              aria-label="Bar chart: alerts over time by severity"
              role="img"
              data={{ labels: times, datasets: SEVERITIES.map((s) => ({ label: s, data: alertsOverTime.map((b) => b[lower(s)] ?? 0), backgroundColor: SEV_COLOURS[s] })) }}
              options={{ maintainAspectRatio: false, animation: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }}
            />
          </div>
        </figure>
        <figure className="card chart">
          <figcaption>Deliveries by state per destination</figcaption>
          <div className="chart-box">
            <Bar
              aria-label="Bar chart: deliveries by state per destination"
              role="img"
              data={{
                labels: destinations.map(([, name]) => name),
                datasets: states.map((st) => ({
                  label: st,
                  data: destinations.map(([id]) => deliveriesByState.find((d) => d.destinationId === id && d.state === st)?.count ?? 0),
                  backgroundColor: STATE_COLOURS[st] ?? '#334155',
                })),
              }}
              options={{ maintainAspectRatio: false, animation: false, indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } }}
            />
          </div>
        </figure>
        <figure className="card chart">
          <figcaption>Jira sites: request rate against the limit (requests/s)</figcaption>
          <div className="chart-box">
            <Bar
              aria-label="Bar chart: each Jira site's request rate against its limit"
              role="img"
              data={{
                labels: sites.map((s) => s.host),
                datasets: [
                  { label: 'requests/s now', data: sites.map((s) => s.requestsPerSecond), backgroundColor: '#2f6db5' },
                  { label: 'limit now (learned)', data: sites.map((s) => s.limitPerSecond), backgroundColor: '#94a3b8' },
                  { label: 'configured limit', data: sites.map((s) => s.configuredPerSecond), backgroundColor: '#cbd5e1' },
                ],
              }}
              options={{ maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } }}
            />
          </div>
        </figure>
        <section className="card stat" aria-labelledby="h-oldest">
          <h2 id="h-oldest">Oldest waiting job</h2>
          <p className="big">{oldest.headline}</p>
          {oldest.detail ? <p className="muted">{oldest.detail}</p> : null}
        </section>
      </div>
      <details className="card">
        <summary>The numbers behind the charts</summary>
        <div className="table-wrap">
          <table className="alert-totals">
            <caption>Alerts by severity (last 24 hours)</caption>
            <thead>
              <tr>
                {SEVERITIES.map((s) => (
                  <th key={s} scope="col">
                    {s}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {SEVERITIES.map((s) => (
                  <td key={s} data-severity={s}>
                    {alertsOverTime.reduce((n, b) => n + (b[lower(s)] ?? 0), 0)}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
        <div className="table-wrap">
          <table>
            <caption>Deliveries by state</caption>
            <thead>
              <tr>
                <th scope="col">Destination</th>
                <th scope="col">State</th>
                <th scope="col">Count</th>
              </tr>
            </thead>
            <tbody>
              {deliveriesByState.map((d) => (
                <tr key={`${d.destinationId}-${d.state}`}>
                  <td>{d.destinationName}</td>
                  <td>{d.state}</td>
                  <td>{d.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

const lower = (s: Severity) => s.toLowerCase() as Lowercase<Severity>;

function duration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** The oldest job still waiting to run (pending, blocked or paused), or none. */
function describeOldest(j: Overview['oldestWaitingJob'], names: Map<string, string>): { headline: string; detail: string | null } {
  if (!j) return { headline: 'None', detail: 'No delivery is waiting.' };
  return { headline: duration(j.waitingSinceMs), detail: `${j.kind.replace(/_/g, ' ')} · ${j.state} · ${names.get(j.destinationId) ?? j.destinationId} · since ${when(j.waitingSince)}` };
}
