import { useState, type FormEvent } from 'react';
import { api, formatQuota, formatTime } from '../api';
import { useSession } from '../session';
import Pager from './Pager';
import { usePagedList } from '../usePagedList';

interface Token {
  id: number;
  name: string;
  key: string;
  status: number;
  remain_quota: number;
  used_quota: number;
  unlimited_quota: boolean;
  expired_time: number;
  created_time: number;
}

const statusNames: Record<number, string> = { 1: 'Enabled', 2: 'Disabled', 3: 'Expired', 4: 'Exhausted' };

export default function TokensPage() {
  const { status } = useSession();
  const { items: tokens, page, setPage, error, notice, setNotice, run } = usePagedList<Token>('/api/token/');
  const [name, setName] = useState('');
  const [quota, setQuota] = useState('500000');
  const [unlimited, setUnlimited] = useState(false);
  const [expiry, setExpiry] = useState('');
  const [createdKey, setCreatedKey] = useState('');

  async function create(event: FormEvent) {
    event.preventDefault();
    const expired_time = expiry ? Math.floor(new Date(expiry).getTime() / 1000) : -1;
    await run(async () => {
      const created = await api<Token | null>('POST', '/api/token/', {
        name,
        remain_quota: Number(quota) || 0,
        unlimited_quota: unlimited,
        expired_time,
      });
      if (created?.key) setCreatedKey('sk-' + created.key);
      setName('');
    }, `Token ${name} created`);
  }

  async function copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
      setNotice('Copied to the clipboard');
    } catch {
      window.prompt('Copy the key', text);
    }
  }

  return (
    <section aria-labelledby="tokens-title">
      <h1 id="tokens-title">Tokens</h1>
      <form className="card inline" onSubmit={create} aria-label="Create token">
        <h2>Create token</h2>
        <label>Name<input value={name} onChange={(e) => setName(e.target.value)} maxLength={30} required /></label>
        <label>Quota<input type="number" min={0} value={quota} onChange={(e) => setQuota(e.target.value)} disabled={unlimited} /></label>
        <label className="check"><input type="checkbox" checked={unlimited} onChange={(e) => setUnlimited(e.target.checked)} />Unlimited quota</label>
        <label>Expires<input type="datetime-local" value={expiry} onChange={(e) => setExpiry(e.target.value)} /></label>
        <button type="submit" className="primary">Create</button>
      </form>
      {createdKey && (
        <p className="notice" role="status">
          New key: <code data-testid="new-key">{createdKey}</code>{' '}
          <button type="button" onClick={() => copy(createdKey)}>Copy new key</button>
        </p>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      {notice && <p className="notice">{notice}</p>}
      <table>
        <caption>Your tokens</caption>
        <thead>
          <tr><th>Name</th><th>Status</th><th>Key</th><th>Remaining</th><th>Used</th><th>Created</th><th>Expires</th><th>Actions</th></tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{statusNames[t.status] ?? t.status}</td>
              <td><code>sk-{t.key.slice(0, 6)}…</code> <button type="button" aria-label={`Copy key of ${t.name}`} onClick={() => copy('sk-' + t.key)}>Copy</button></td>
              <td>{t.unlimited_quota ? 'Unlimited' : formatQuota(t.remain_quota, status)}</td>
              <td>{formatQuota(t.used_quota, status)}</td>
              <td>{formatTime(t.created_time)}</td>
              <td>{t.expired_time === -1 ? 'Never' : formatTime(t.expired_time)}</td>
              <td className="actions">
                {t.status === 1 ? (
                  <button type="button" aria-label={`Disable ${t.name}`} onClick={() => run(() => api('PUT', '/api/token/?status_only=1', { id: t.id, status: 2 }), `Token ${t.name} disabled`)}>Disable</button>
                ) : (
                  <button type="button" aria-label={`Enable ${t.name}`} onClick={() => run(() => api('PUT', '/api/token/?status_only=1', { id: t.id, status: 1 }), `Token ${t.name} enabled`)}>Enable</button>
                )}
                <button type="button" className="danger" aria-label={`Delete ${t.name}`} onClick={() => window.confirm(`Delete token ${t.name}?`) && run(() => api('DELETE', `/api/token/${t.id}`), `Token ${t.name} deleted`)}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} setPage={setPage} count={tokens.length} />
    </section>
  );
}
