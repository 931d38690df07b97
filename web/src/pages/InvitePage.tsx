import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api';
import { useData } from '../hooks';
import { Link } from '../router';
import { ErrorBox, Loading, when } from '../components/ui';

export function InvitePage({ token }: { token: string }) {
  const invite = useData(() => api<{ email: string; name: string; expiresAt: string }>('GET', `/api/invites/${encodeURIComponent(token)}`), [token]);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (password !== confirm) {
      setError('The two passwords differ.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/api/invites/${encodeURIComponent(token)}`, { password });
      setDone(true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (invite.error) return <section className="narrow card"><h1>Invite</h1><ErrorBox error={invite.error} title="This invite link cannot be used" /></section>;
  if (!invite.data) return <Loading />;
  if (done)
    return (
      <section className="narrow card">
        <h1>Password set</h1>
        <p role="status">Your password is set. <Link to="/">Sign in</Link> with {invite.data.email}.</p>
      </section>
    );
  return (
    <section className="narrow card">
      <h1>Set your password</h1>
      <p>
        Welcome, {invite.data.name} ({invite.data.email}). This link works once, until {when(invite.data.expiresAt)}.
      </p>
      <form onSubmit={submit}>
        <input type="email" hidden readOnly autoComplete="username" value={invite.data.email} aria-hidden="true" />
        <label>
          New password
          <input type="password" name="new-password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <label>
          Repeat the password
          <input type="password" name="confirm-password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        </label>
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy}>
          Set password
        </button>
      </form>
    </section>
  );
}
