import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api';
import { useData } from '../hooks';
import { useUser } from '../session';
import { ROLES, type Role, type User } from '../types';
import { ErrorBox, Loading, PageTitle, when } from '../components/ui';

export default function UsersPage() {
  const me = useUser();
  const users = useData(() => api<{ users: User[] }>('GET', '/api/users'), []);
  const [error, setError] = useState<string | null>(null);
  // The invite link is shown once, kept in this page's memory only.
  const [invite, setInvite] = useState<{ userId: string; url: string; expiresAt: string } | null>(null);

  async function act(fn: () => Promise<unknown>) {
    setError(null);
    try {
      await fn();
      await users.reload();
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <>
      <PageTitle>Users</PageTitle>
      <NewUser onCreate={(u) => act(() => api('POST', '/api/users', u))} />
      <ErrorBox error={error ?? users.error} />
      {invite ? (
        <div className="card invite" role="status">
          <p>
            Invite link for <strong>{users.data?.users.find((u) => u.id === invite.userId)?.email}</strong>, valid once until {when(invite.expiresAt)}. Send it to them: it is not shown again.
          </p>
          <label>
            Invite link
            <input readOnly value={invite.url} onFocus={(e) => e.target.select()} />
          </label>
          <button type="button" onClick={() => setInvite(null)}>
            Done
          </button>
        </div>
      ) : null}
      {!users.data ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Users</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.users.map((u) => (
                <tr key={u.id} data-user-email={u.email}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>
                    <select aria-label={`Role of ${u.name}`} value={u.role} disabled={u.id === me.id} onChange={(e) => void act(() => api('PATCH', `/api/users/${u.id}`, { role: e.target.value as Role }))}>
                      {ROLES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  </td>
                  <td>{u.disabled ? 'disabled' : 'active'}</td>
                  <td className="row">
                    {u.role !== 'ingest' && !u.disabled ? (
                      <button
                        type="button"
                        onClick={() =>
                          void act(async () => {
                            const r = await api<{ url: string; expiresAt: string }>('POST', `/api/users/${u.id}/invites`);
                            setInvite({ userId: u.id, ...r });
                          })
                        }
                      >
                        Create invite link<span className="sr-only"> for {u.name}</span>
                      </button>
                    ) : null}
                    {u.id !== me.id ? (
                      <button type="button" onClick={() => void act(() => api('PATCH', `/api/users/${u.id}`, { disabled: !u.disabled }))}>
                        {u.disabled ? 'Enable' : 'Disable'}
                        <span className="sr-only"> {u.name}</span>
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function NewUser({ onCreate }: { onCreate: (u: { email: string; name: string; role: Role }) => Promise<void> }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  async function submit(e: FormEvent) {
    e.preventDefault();
    await onCreate({ email: email.trim(), name: name.trim(), role });
    setEmail('');
    setName('');
  }
  return (
    <form className="card filters" onSubmit={submit} aria-label="Create a user">
      <label>
        Name
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Email
        <input required type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Role
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary">
        Create user
      </button>
    </form>
  );
}
