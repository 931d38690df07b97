// The Jira Cloud destination wizard (docs/console.md, spec "How to set up Jira alert destinations"):
// form and syncing options → issue properties → status mapping (when status syncs) → save →
// two-way page (webhook URL and secret, shown once) → Send Test Alert and Finish.
// Each step asks Jira (through the service) before it moves on and shows Jira's own error.
// Editing runs the same steps on a saved destination; its token stays unless retyped.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, errorText } from '../api';
import { navigate, Link } from '../router';
import { ErrorBox, Loading, PageTitle } from '../components/ui';
import {
  ALERT_TYPES,
  SEVERITIES,
  STATUSES,
  SYNC_MODES,
  type AlertType,
  type Destination,
  type IssueProperties,
  type JiraIssueType,
  type JiraPriority,
  type JiraResolution,
  type JiraStatus,
  type JiraUser,
  type SaveResult,
  type Severity,
  type StatusMapping,
  type SyncMode,
} from '../types';

interface Form {
  name: string;
  domain: string;
  issueType: string;
  projectKey: string;
  email: string;
  apiToken: string;
  severities: Severity[];
  alertTypes: AlertType[];
  logTypes: string;
  manualDispatch: boolean;
  sync: { status: SyncMode; assignee: SyncMode; comments: SyncMode };
}

const EMPTY_LP = { labels: [] as string[], priority: null as string | null };
const emptyProps = (): IssueProperties => ({
  assigneeAccountId: null,
  bySeverity: false,
  global: { ...EMPTY_LP },
  perSeverity: Object.fromEntries(SEVERITIES.map((s) => [s, { labels: [], priority: null }])) as unknown as IssueProperties['perSeverity'],
});
const emptyMapping = (): StatusMapping => ({ OPEN: null, TRIAGED: null, RESOLVED: null, CLOSED: null });

type Step = 'form' | 'properties' | 'status' | 'twoway' | 'test';
const STEP_NAMES: Record<Step, string> = { form: 'Destination', properties: 'Issue properties', status: 'Status syncing', twoway: 'Two-way sync', test: 'Test and finish' };
const MODE_TEXT: Record<SyncMode, string> = { off: 'Do not sync', one_way: 'One-way', two_way: 'Two-way' };

export default function DestinationWizard({ id }: { id?: string }) {
  const editing = id !== undefined;
  const [loaded, setLoaded] = useState<Destination | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [form, setForm] = useState<Form>({
    name: '',
    domain: '',
    issueType: 'Task',
    projectKey: '',
    email: '',
    apiToken: '',
    severities: [],
    alertTypes: [],
    logTypes: '',
    manualDispatch: false,
    sync: { status: 'off', assignee: 'off', comments: 'off' },
  });
  const [props, setProps] = useState<IssueProperties>(emptyProps);
  const [mapping, setMapping] = useState<StatusMapping>(emptyMapping);
  const [resolution, setResolution] = useState<string | null>(null);
  const [step, setStep] = useState<Step>('form');
  const [saved, setSaved] = useState<SaveResult | null>(null);
  /** The save answered a webhook secret (two-way turned on): the two-way step is part of this run. */
  const [twoWayStep, setTwoWayStep] = useState(false);

  useEffect(() => {
    if (!id) return;
    api<Destination>('GET', `/api/destinations/${encodeURIComponent(id)}`)
      .then((d) => {
        setLoaded(d);
        setForm({
          name: d.name,
          domain: d.domain,
          issueType: d.issueType,
          projectKey: d.projectKey,
          email: d.email,
          apiToken: '',
          severities: d.severities,
          alertTypes: d.alertTypes,
          logTypes: d.logTypes.join(', '),
          manualDispatch: d.manualDispatch,
          sync: d.sync,
        });
        setProps(d.issueProperties);
        setMapping(d.statusMapping);
        setResolution(d.statusResolution);
      })
      .catch((e: unknown) => setLoadError(errorText(e)));
  }, [id]);

  /** A Jira list: with the typed credentials (POST /api/jira/lookup) or, editing with the token unchanged, the saved ones. */
  function lookup<T>(list: string, extra: { projectKey?: string; query?: string } = {}): Promise<T> {
    if (editing && !form.apiToken) {
      const base = `/api/destinations/${encodeURIComponent(id!)}/jira`;
      const q = new URLSearchParams();
      if (extra.query) q.set('query', extra.query);
      if (list === 'users' && extra.projectKey) q.set('projectKey', extra.projectKey);
      const path = list === 'issue-types' || list === 'statuses' ? `${base}/projects/${encodeURIComponent(extra.projectKey ?? form.projectKey)}/${list}` : `${base}/${list}`;
      return api<T>('GET', q.size ? `${path}?${q}` : path);
    }
    return api<T>('POST', `/api/jira/lookup/${list}`, { domain: form.domain.trim(), email: form.email.trim(), apiToken: form.apiToken, ...extra });
  }

  const statusSynced = form.sync.status !== 'off';
  const steps: Step[] = ['form', 'properties', ...(statusSynced ? (['status'] as const) : []), ...(twoWayStep ? (['twoway'] as const) : []), 'test'];

  async function save(): Promise<void> {
    const body: Record<string, unknown> = {
      name: form.name.trim(),
      domain: form.domain.trim(),
      issueType: form.issueType.trim(),
      projectKey: form.projectKey.trim(),
      email: form.email.trim(),
      severities: form.severities,
      alertTypes: form.alertTypes,
      logTypes: splitList(form.logTypes),
      manualDispatch: form.manualDispatch,
      sync: form.sync,
      issueProperties: props,
      ...(statusSynced ? { statusMapping: mapping, statusResolution: resolution } : {}),
    };
    if (form.apiToken) body.apiToken = form.apiToken;
    const r = editing ? await api<SaveResult>('PATCH', `/api/destinations/${encodeURIComponent(id!)}`, body) : await api<SaveResult>('POST', '/api/destinations', body);
    setSaved(r);
    setTwoWayStep(r.webhook !== undefined);
    // The token is not kept in the page once saved.
    setForm((f) => ({ ...f, apiToken: '' }));
    setStep(r.webhook ? 'twoway' : 'test');
  }

  if (loadError) return <ErrorBox error={loadError} />;
  if (editing && !loaded) return <Loading />;

  return (
    <>
      <p className="crumbs">
        <Link to="/destinations">← Destinations</Link>
      </p>
      <PageTitle>{editing ? `Edit ${loaded!.name}` : 'New Jira Cloud destination'}</PageTitle>
      <ol className="stepper" aria-label="Steps">
        {steps.map((s, i) => (
          <li key={s} aria-current={s === step ? 'step' : undefined} className={steps.indexOf(step) > i ? 'done' : undefined}>
            <span className="num">{i + 1}</span> {STEP_NAMES[s]}
          </li>
        ))}
      </ol>
      {step === 'form' ? <FormStep form={form} setForm={setForm} editing={editing} lookup={lookup} onNext={() => setStep('properties')} /> : null}
      {step === 'properties' ? (
        <PropertiesStep
          props={props}
          setProps={setProps}
          projectKey={form.projectKey}
          lookup={lookup}
          onBack={saved ? undefined : () => setStep('form')}
          last={!statusSynced}
          onNext={statusSynced ? async () => setStep('status') : save}
        />
      ) : null}
      {step === 'status' ? <StatusStep mapping={mapping} setMapping={setMapping} resolution={resolution} setResolution={setResolution} projectKey={form.projectKey} lookup={lookup} onBack={() => setStep('properties')} onSave={save} /> : null}
      {step === 'twoway' && saved?.webhook ? (
        <TwoWayStep
          webhook={saved.webhook}
          projectKey={form.projectKey}
          onNext={() => {
            // The secret leaves the page's memory once the user has stored it.
            setSaved((s) => (s ? { destination: s.destination, warnings: s.warnings } : s));
            setStep('test');
          }}
        />
      ) : null}
      {step === 'test' && saved ? <TestStep saved={saved} /> : null}
    </>
  );
}

function splitList(s: string): string[] {
  return [...new Set(s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean))];
}

type Lookup = <T>(list: string, extra?: { projectKey?: string; query?: string }) => Promise<T>;

function StepActions({ busy, onBack, nextLabel }: { busy: boolean; onBack?: () => void; nextLabel: string }) {
  return (
    <div className="step-actions">
      {onBack ? (
        <button type="button" onClick={onBack} disabled={busy}>
          Back
        </button>
      ) : null}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Checking with Jira…' : nextLabel}
      </button>
    </div>
  );
}

function FormStep({ form, setForm, editing, lookup, onNext }: { form: Form; setForm: (f: Form) => void; editing: boolean; lookup: Lookup; onNext: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [issueTypes, setIssueTypes] = useState<JiraIssueType[]>([]);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm({ ...form, [k]: v });

  async function next(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!/^[A-Z][A-Z0-9_]{1,9}$/.test(form.projectKey.trim())) return setError('The project key is 2 to 10 capital letters, digits or _ and starts with a letter, e.g. SEC.');
    if (!/^https?:\/\/\S+$/.test(form.domain.trim())) return setError('The organization domain is a URL such as https://example.atlassian.net.');
    if (!editing && !form.apiToken) return setError('The Jira API token is required.');
    setBusy(true);
    try {
      // Asks Jira: are the site, the account and its token good, and does the project have this issue type?
      const { issueTypes: types } = await lookup<{ issueTypes: JiraIssueType[] }>('issue-types', { projectKey: form.projectKey.trim() });
      setIssueTypes(types);
      const wanted = form.issueType.trim().toLowerCase();
      if (!types.some((t) => t.name.toLowerCase() === wanted || t.id === form.issueType.trim())) {
        setError(`Project ${form.projectKey} has no issue type "${form.issueType}". It has: ${types.map((t) => t.name).join(', ')}.`);
        return;
      }
      onNext();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card wizard" onSubmit={next} aria-labelledby="h-step">
      <h2 id="h-step">Destination</h2>
      <div className="grid2">
        <label>
          Display name
          <input required maxLength={200} value={form.name} onChange={(e) => set('name', e.target.value)} />
        </label>
        <label>
          Organization domain
          <input required type="url" placeholder="https://example.atlassian.net" value={form.domain} onChange={(e) => set('domain', e.target.value)} />
        </label>
        <label>
          Project key
          <input required placeholder="SEC" value={form.projectKey} onChange={(e) => set('projectKey', e.target.value.toUpperCase())} />
        </label>
        <label>
          Issue type
          <input required list="issue-types" placeholder="Task" value={form.issueType} onChange={(e) => set('issueType', e.target.value)} />
          <datalist id="issue-types">
            {issueTypes.map((t) => (
              <option key={t.id} value={t.name} />
            ))}
          </datalist>
        </label>
        <label>
          Email (of the Jira account)
          <input required type="email" autoComplete="off" value={form.email} onChange={(e) => set('email', e.target.value)} />
        </label>
        <label>
          Jira API token
          <input
            type="password"
            autoComplete="new-password"
            required={!editing}
            placeholder={editing ? 'unchanged: type a new token to replace it' : ''}
            value={form.apiToken}
            onChange={(e) => set('apiToken', e.target.value)}
          />
        </label>
      </div>
      <Checkboxes legend="Severity levels (none = all)" all={SEVERITIES} chosen={form.severities} onChange={(v) => set('severities', v)} />
      <Checkboxes legend="Alert types (none = all)" all={ALERT_TYPES} chosen={form.alertTypes} onChange={(v) => set('alertTypes', v)} />
      <label>
        Log types (comma separated; empty = all)
        <input value={form.logTypes} placeholder="AWS.CloudTrail, Okta.SystemLog" onChange={(e) => set('logTypes', e.target.value)} />
      </label>
      <label className="check">
        <input type="checkbox" checked={form.manualDispatch} onChange={(e) => set('manualDispatch', e.target.checked)} /> Allow manual dispatch
      </label>
      <h3>Syncing options</h3>
      <div className="grid3">
        {(['status', 'assignee', 'comments'] as const).map((k) => (
          <fieldset key={k}>
            <legend>{k === 'status' ? 'Alert status' : k === 'assignee' ? 'Assignee' : 'Comments'}</legend>
            {SYNC_MODES.map((m) => (
              <label key={m} className="check">
                <input type="radio" name={`sync-${k}`} value={m} checked={form.sync[k] === m} onChange={() => set('sync', { ...form.sync, [k]: m })} /> {MODE_TEXT[m]}
              </label>
            ))}
          </fieldset>
        ))}
      </div>
      <ErrorBox error={error} />
      <StepActions busy={busy} nextLabel="Continue" />
    </form>
  );
}

function Checkboxes<T extends string>({ legend, all, chosen, onChange }: { legend: string; all: readonly T[]; chosen: T[]; onChange: (v: T[]) => void }) {
  return (
    <fieldset className="inline">
      <legend>{legend}</legend>
      {all.map((v) => (
        <label key={v} className="check">
          <input type="checkbox" checked={chosen.includes(v)} onChange={(e) => onChange(e.target.checked ? [...chosen, v] : chosen.filter((x) => x !== v))} /> {v}
        </label>
      ))}
    </fieldset>
  );
}

function PropertiesStep(p: { props: IssueProperties; setProps: (p: IssueProperties) => void; projectKey: string; lookup: Lookup; onBack?: () => void; onNext: () => Promise<void>; last: boolean }) {
  const { props, setProps, lookup } = p;
  const [users, setUsers] = useState<JiraUser[] | null>(null);
  const [priorities, setPriorities] = useState<JiraPriority[] | null>(null);
  const [siteLabels, setSiteLabels] = useState<string[]>([]);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    Promise.all([lookup<{ users: JiraUser[] }>('users', { projectKey: p.projectKey, query: '' }), lookup<{ priorities: JiraPriority[] }>('priorities'), lookup<{ labels: string[] }>('labels', { query: '' })])
      .then(([u, pr, l]) => {
        setUsers(u.users);
        setPriorities(pr.priorities);
        setSiteLabels(l.labels);
      })
      .catch((e: unknown) => setError(errorText(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function searchUsers(q: string) {
    setQuery(q);
    try {
      setUsers((await lookup<{ users: JiraUser[] }>('users', { projectKey: p.projectKey, query: q })).users);
    } catch (e) {
      setError(errorText(e));
    }
  }

  async function next(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await p.onNext();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  const assigneeKnown = props.assigneeAccountId === null || (users ?? []).some((u) => u.accountId === props.assigneeAccountId);
  return (
    <form className="card wizard" onSubmit={next} aria-labelledby="h-step">
      <h2 id="h-step">Configure Jira issue properties</h2>
      {users === null && !error ? <Loading /> : null}
      <div className="grid2">
        <label>
          Find people in Jira
          <input type="search" value={query} onChange={(e) => void searchUsers(e.target.value)} placeholder="name or email" />
        </label>
        <div className="field">
          <label htmlFor="assignee">Assignee</label>
          <select id="assignee" value={props.assigneeAccountId ?? ''} onChange={(e) => setProps({ ...props, assigneeAccountId: e.target.value || null })}>
            <option value="">Unassigned (the project's default)</option>
            {!assigneeKnown ? <option value={props.assigneeAccountId!}>{props.assigneeAccountId}</option> : null}
            {(users ?? []).map((u) => (
              <option key={u.accountId} value={u.accountId}>
                {u.displayName}
                {u.emailAddress ? ` (${u.emailAddress})` : ''}
              </option>
            ))}
          </select>
        </div>
      </div>
      <label className="check">
        <input type="checkbox" checked={props.bySeverity} onChange={(e) => setProps({ ...props, bySeverity: e.target.checked })} /> Label and prioritize issues based on severity level
      </label>
      {props.bySeverity ? (
        SEVERITIES.map((s) => (
          <fieldset key={s} className="lp">
            <legend>{s}</legend>
            <LabelsAndPriorityFields
              idPrefix={`lp-${s}`}
              value={props.perSeverity[s]}
              onChange={(v) => setProps({ ...props, perSeverity: { ...props.perSeverity, [s]: v } })}
              priorities={priorities ?? []}
              siteLabels={siteLabels}
              lookup={lookup}
            />
          </fieldset>
        ))
      ) : (
        <fieldset className="lp">
          <legend>All issues</legend>
          <LabelsAndPriorityFields idPrefix="lp-all" value={props.global} onChange={(v) => setProps({ ...props, global: v })} priorities={priorities ?? []} siteLabels={siteLabels} lookup={lookup} />
        </fieldset>
      )}
      <ErrorBox error={error} />
      <StepActions busy={busy} onBack={p.onBack} nextLabel={p.last ? 'Save' : 'Continue'} />
    </form>
  );
}

function LabelsAndPriorityFields(p: {
  idPrefix: string;
  value: { labels: string[]; priority: string | null };
  onChange: (v: { labels: string[]; priority: string | null }) => void;
  priorities: JiraPriority[];
  siteLabels: string[];
  lookup: Lookup;
}) {
  const [text, setText] = useState('');
  const [found, setFound] = useState<string[]>(p.siteLabels);
  const [hint, setHint] = useState<string | null>(null);
  useEffect(() => setFound(p.siteLabels), [p.siteLabels]);
  async function type(v: string) {
    setText(v);
    setHint(null);
    try {
      setFound((await p.lookup<{ labels: string[] }>('labels', { query: v.trim() })).labels);
    } catch {
      /* the list is a help only: typing a label still works */
    }
  }
  function add() {
    const l = text.trim();
    if (!l) return;
    if (/\s/.test(l)) return setHint('A Jira label has no spaces.');
    if (!p.value.labels.includes(l)) p.onChange({ ...p.value, labels: [...p.value.labels, l] });
    setHint(found.includes(l) ? null : `"${l}" is new: Jira creates it with the first issue that carries it.`);
    setText('');
  }
  return (
    <div className="grid2">
      <div>
        <label htmlFor={`${p.idPrefix}-label`}>Labels</label>
        <ul className="chips" aria-label="Chosen labels">
          {p.value.labels.map((l) => (
            <li key={l} className="tag">
              {l}{' '}
              <button type="button" className="link-button" aria-label={`Remove label ${l}`} onClick={() => p.onChange({ ...p.value, labels: p.value.labels.filter((x) => x !== l) })}>
                ×
              </button>
            </li>
          ))}
        </ul>
        <div className="row">
          <input
            id={`${p.idPrefix}-label`}
            list={`${p.idPrefix}-labels`}
            value={text}
            placeholder="find or create a label"
            onChange={(e) => void type(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
          />
          <datalist id={`${p.idPrefix}-labels`}>
            {found.map((l) => (
              <option key={l} value={l} />
            ))}
          </datalist>
          <button type="button" onClick={add}>
            Add label
          </button>
        </div>
        {hint ? <p className="muted small" role="status">{hint}</p> : null}
      </div>
      <div className="field">
        <label htmlFor={`${p.idPrefix}-priority`}>Priority</label>
        <select id={`${p.idPrefix}-priority`} value={p.value.priority ?? ''} onChange={(e) => p.onChange({ ...p.value, priority: e.target.value || null })}>
          <option value="">Jira's default</option>
          {p.priorities.map((x) => (
            <option key={x.id} value={x.name}>
              {x.name}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

function StatusStep(p: {
  mapping: StatusMapping;
  setMapping: (m: StatusMapping) => void;
  resolution: string | null;
  setResolution: (r: string | null) => void;
  projectKey: string;
  lookup: Lookup;
  onBack: () => void;
  onSave: () => Promise<void>;
}) {
  const [statuses, setStatuses] = useState<JiraStatus[] | null>(null);
  const [resolutions, setResolutions] = useState<JiraResolution[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    Promise.all([p.lookup<{ statuses: JiraStatus[] }>('statuses', { projectKey: p.projectKey }), p.lookup<{ resolutions: JiraResolution[] }>('resolutions')])
      .then(([s, r]) => {
        setStatuses(s.statuses);
        setResolutions(r.resolutions);
      })
      .catch((e: unknown) => setError(errorText(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const missing = STATUSES.filter((s) => !p.mapping[s]);
    if (missing.length) return setError(`Choose the Jira status for ${missing.join(', ')}.`);
    setBusy(true);
    try {
      await p.onSave();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="card wizard" onSubmit={save} aria-labelledby="h-step">
      <h2 id="h-step">Status syncing</h2>
      <p>Map each alert status to a status of project {p.projectKey}'s workflow (read from Jira now).</p>
      {statuses === null && !error ? <Loading /> : null}
      <table className="mapping">
        <thead>
          <tr>
            <th scope="col">Alert status</th>
            <th scope="col">Jira status</th>
          </tr>
        </thead>
        <tbody>
          {STATUSES.map((s) => (
            <tr key={s}>
              <th scope="row">
                <label htmlFor={`map-${s}`}>{s}</label>
              </th>
              <td>
                <select id={`map-${s}`} value={p.mapping[s] ?? ''} onChange={(e) => p.setMapping({ ...p.mapping, [s]: e.target.value || null })}>
                  <option value="">Choose…</option>
                  {p.mapping[s] && statuses && !statuses.some((x) => x.name === p.mapping[s]) ? <option value={p.mapping[s]!}>{p.mapping[s]} (not in the workflow)</option> : null}
                  {(statuses ?? []).map((x) => (
                    <option key={x.id} value={x.name}>
                      {x.name}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="field">
        <label htmlFor="resolution">Resolution to fill when a transition asks for one</label>
        <select id="resolution" value={p.resolution ?? ''} onChange={(e) => p.setResolution(e.target.value || null)}>
          <option value="">Default ("Done", else the first offered)</option>
          {resolutions.map((r) => (
            <option key={r.id} value={r.name}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      <ErrorBox error={error} />
      <StepActions busy={busy} onBack={p.onBack} nextLabel="Save changes" />
    </form>
  );
}

function Copyable({ label, value, id }: { label: string; value: string; id: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="copyable">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input id={id} readOnly value={value} onFocus={(e) => e.target.select()} />
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}

function TwoWayStep({ webhook, projectKey, onNext }: { webhook: { url: string; secret: string }; projectKey: string; onNext: () => void }) {
  const [stored, setStored] = useState(false);
  return (
    <form
      className="card wizard"
      aria-labelledby="h-step"
      onSubmit={(e) => {
        e.preventDefault();
        onNext();
      }}
    >
      <h2 id="h-step">Two-way sync</h2>
      <p className="warning" role="note">
        Copy the secret now and store it safely: <strong>it is shown once</strong> and never again (an admin can rotate it later).
      </p>
      <Copyable id="webhook-url" label="Instance URL (webhook URL)" value={webhook.url} />
      <Copyable id="webhook-secret" label="Secret" value={webhook.secret} />
      <h3>Register the webhook in Jira</h3>
      <ol className="steps">
        <li>In Jira, open <strong>Settings → System → WebHooks</strong> (a Jira administrator) and click <strong>Create a WebHook</strong>.</li>
        <li>Name it "alertsync", paste the <strong>Instance URL</strong> above as the URL and the <strong>Secret</strong> above as the secret.</li>
        <li>
          Under <strong>Issue related events</strong>, enter the JQL <code>project = {projectKey}</code> and tick Issue <em>updated</em> and Comment <em>created</em>, <em>updated</em> and <em>deleted</em>.
        </li>
        <li>Click <strong>Create</strong>. Changes made in Jira to issues alertsync created then reach their alerts.</li>
      </ol>
      <label className="check">
        <input type="checkbox" checked={stored} onChange={(e) => setStored(e.target.checked)} /> I have stored the secret and registered the webhook
      </label>
      <div className="step-actions">
        <button type="submit" className="primary" disabled={!stored}>
          Continue
        </button>
      </div>
    </form>
  );
}

interface TestOutcome {
  outcome: string;
  issueKey?: string;
  issueUrl?: string;
  status?: number | null;
  message?: string;
  jiraMessages?: string[];
  warnings: string[];
}

function TestStep({ saved }: { saved: SaveResult }) {
  const [result, setResult] = useState<TestOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function send() {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api<TestOutcome>('POST', `/api/destinations/${saved.destination.id}/test`));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }
  let outcome: ReactNode = null;
  if (result?.outcome === 'created')
    outcome = (
      <p className="ok" role="status">
        Test alert created{' '}
        <a className="issue-key" href={result.issueUrl} target="_blank" rel="noreferrer noopener">
          {result.issueKey}
        </a>{' '}
        in Jira.
      </p>
    );
  else if (result)
    outcome = (
      <div className="error" role="alert">
        <strong>Test alert {result.outcome}</strong>
        {result.status ? ` (Jira answered ${result.status})` : ''}: {result.message ?? ''}
        {result.jiraMessages?.length ? <ul>{result.jiraMessages.map((m) => <li key={m}>{m}</li>)}</ul> : null}
      </div>
    );
  const warnings = [...saved.warnings, ...(result?.warnings ?? [])];
  return (
    <section className="card wizard" aria-labelledby="h-step">
      <h2 id="h-step">Test and finish</h2>
      <p role="status">
        Destination <strong>{saved.destination.name}</strong> is saved.
      </p>
      {warnings.length ? (
        <ul className="warning" aria-label="Warnings">
          {[...new Set(warnings)].map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      <p>Send a test alert to check the destination end to end: it creates an issue in project {saved.destination.projectKey}.</p>
      {outcome}
      <ErrorBox error={error} />
      <div className="step-actions">
        <button type="button" onClick={() => void send()} disabled={busy}>
          {busy ? 'Sending…' : 'Send Test Alert'}
        </button>
        <button type="button" className="primary" onClick={() => navigate('/destinations')}>
          Finish setup
        </button>
      </div>
    </section>
  );
}
