import { useState, type FormEvent } from 'react';
import { api, formatQuota, roleName, type User } from '../api';
import { useSession } from '../session';
import Pager from './Pager';
import { usePagedList } from '../usePagedList';

const statusNames: Record<number, string> = { 1: 'Enabled', 2: 'Disabled', 3: 'Deleted' };

export default function UsersPage() {
  const { status } = useSession();
  const { items: users, page, setPage, error, notice, run } = usePagedList<User>('/api/user/');
  const [form, setForm] = useState({ username: '', display_name: '', password: '' });

  async function create(event: FormEvent) {
    event.preventDefault();
    await run(() => api('POST', '/api/user/', form), `User ${form.username} created`);
    setForm({ username: '', display_name: '', password: '' });
  }

  const manage = (u: User, action: string) => run(() => api('POST', '/api/user/manage', { username: u.username, action }), `User ${u.username}: ${action} done`);

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <form className="card inline" onSubmit={create} aria-label="Create user">
        <h2>Create user</h2>
        <label>Username<input value={form.username} maxLength={12} onChange={(e) => setForm({ ...form, username: e.target.value })} required /></label>
        <label>Display name<input value={form.display_name} maxLength={20} onChange={(e) => setForm({ ...form, display_name: e.target.value })} /></label>
        <label>Password<input type="password" value={form.password} minLength={8} maxLength={20} onChange={(e) => setForm({ ...form, password: e.target.value })} required /></label>
        <button type="submit" className="primary">Create user</button>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      {notice && <p className="notice" role="status">{notice}</p>}
      <table>
        <caption>Users</caption>
        <thead>
          <tr><th>ID</th><th>Username</th><th>Display name</th><th>Role</th><th>Group</th><th>Status</th><th>Quota</th><th>Used</th><th>Requests</th><th>Actions</th></tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.id}</td>
              <td>{u.username}</td>
              <td>{u.display_name}</td>
              <td>{roleName(u.role)}</td>
              <td>{u.group}</td>
              <td>{statusNames[u.status] ?? u.status}</td>
              <td>{formatQuota(u.quota, status)}</td>
              <td>{formatQuota(u.used_quota, status)}</td>
              <td>{u.request_count}</td>
              <td className="actions">
                {u.status === 1 ? (
                  <button type="button" aria-label={`Disable ${u.username}`} onClick={() => manage(u, 'disable')}>Disable</button>
                ) : (
                  <button type="button" aria-label={`Enable ${u.username}`} onClick={() => manage(u, 'enable')}>Enable</button>
                )}
                <button type="button" className="danger" aria-label={`Delete ${u.username}`} onClick={() => window.confirm(`Delete user ${u.username}?`) && manage(u, 'delete')}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} setPage={setPage} count={users.length} />
    </section>
  );
}
