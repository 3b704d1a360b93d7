import { useEffect, useState, type FormEvent } from 'react';
import { api, apiRaw, formatQuota, formatTime } from '../api';
import { useSession } from '../session';
import Pager from './Pager';
import { usePagedList } from '../usePagedList';

interface Channel {
  id: number;
  type: number;
  name: string;
  status: number;
  base_url: string | null;
  models: string;
  group: string;
  response_time: number;
  test_time: number;
  used_quota: number;
  priority: number | null;
}

/** One row of the server's channel-type catalogue (GET /api/channel/types); the console keeps no copy of it. */
interface ChannelType {
  id: number;
  name: string;
  default_base_url: string;
  key_format: string;
  relayed: boolean;
}
const statusNames: Record<number, string> = { 0: 'Unknown', 1: 'Enabled', 2: 'Disabled', 3: 'Auto-disabled' };

export default function ChannelsPage() {
  const { status } = useSession();
  const { items: channels, page, setPage, error, setError, notice, setNotice, load, run } = usePagedList<Channel>('/api/channel/');
  const [form, setForm] = useState({ type: 1, name: '', key: '', base_url: '', models: 'gpt-4o-mini', group: 'default' });
  const [channelTypes, setChannelTypes] = useState<ChannelType[]>([]);
  useEffect(() => {
    api<ChannelType[]>('GET', '/api/channel/types').then(setChannelTypes, (e: Error) => setError(e.message));
  }, [setError]);
  const typeName = (t: number) => channelTypes.find((c) => c.id === t)?.name ?? `Type ${t}`;
  const chosen = channelTypes.find((c) => c.id === Number(form.type));

  async function create(event: FormEvent) {
    event.preventDefault();
    await run(() => api('POST', '/api/channel/', { ...form, type: Number(form.type) }), `Channel ${form.name} created`);
    setForm((f) => ({ ...f, name: '', key: '' }));
  }

  async function test(channel: Channel) {
    setError('');
    setNotice(`Testing ${channel.name}…`);
    const result = await apiRaw<{ success: boolean; message: string; time?: number }>('GET', `/api/channel/test/${channel.id}`);
    if (result.success) setNotice(`Channel ${channel.name} answered in ${(result.time ?? 0).toFixed(2)} s`);
    else {
      setNotice('');
      setError(`Channel ${channel.name} test failed: ${result.message}`);
    }
    await load();
  }

  const set = (field: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value });

  return (
    <section aria-labelledby="channels-title">
      <h1 id="channels-title">Channels</h1>
      <form className="card grid" onSubmit={create} aria-label="Create channel">
        <h2>Create channel</h2>
        <label>Type
          <select value={form.type} onChange={set('type')}>
            {channelTypes.filter((c) => c.relayed).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
        <label>Name<input value={form.name} onChange={set('name')} required /></label>
        <label>Base URL<input value={form.base_url} onChange={set('base_url')} placeholder={chosen?.default_base_url || 'required for this type'} /></label>
        <label>Key<textarea value={form.key} onChange={set('key')} required placeholder={`${chosen?.key_format ?? 'API key'}; one per line creates one channel per key`} /></label>
        <label>Models<input value={form.models} onChange={set('models')} placeholder="comma-separated" required /></label>
        <label>Groups<input value={form.group} onChange={set('group')} placeholder="comma-separated" /></label>
        <button type="submit" className="primary">Create channel</button>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      {notice && <p className="notice" role="status">{notice}</p>}
      <table>
        <caption>Channels</caption>
        <thead>
          <tr><th>ID</th><th>Name</th><th>Type</th><th>Status</th><th>Groups</th><th>Models</th><th>Response time</th><th>Used</th><th>Actions</th></tr>
        </thead>
        <tbody>
          {channels.map((c) => (
            <tr key={c.id}>
              <td>{c.id}</td>
              <td>{c.name}</td>
              <td>{typeName(c.type)}</td>
              <td>{statusNames[c.status] ?? c.status}</td>
              <td>{c.group}</td>
              <td className="models">{c.models}</td>
              <td title={c.test_time ? `tested ${formatTime(c.test_time)}` : 'not tested'}>{c.response_time ? `${(c.response_time / 1000).toFixed(2)} s` : '—'}</td>
              <td>{formatQuota(c.used_quota, status)}</td>
              <td className="actions">
                <button type="button" aria-label={`Test ${c.name}`} onClick={() => test(c)}>Test</button>
                {c.status === 1 ? (
                  <button type="button" aria-label={`Disable ${c.name}`} onClick={() => run(() => api('PUT', '/api/channel/', { id: c.id, status: 2 }), `Channel ${c.name} disabled`)}>Disable</button>
                ) : (
                  <button type="button" aria-label={`Enable ${c.name}`} onClick={() => run(() => api('PUT', '/api/channel/', { id: c.id, status: 1 }), `Channel ${c.name} enabled`)}>Enable</button>
                )}
                <button type="button" className="danger" aria-label={`Delete ${c.name}`} onClick={() => window.confirm(`Delete channel ${c.name}?`) && run(() => api('DELETE', `/api/channel/${c.id}`), `Channel ${c.name} deleted`)}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} setPage={setPage} count={channels.length} />
    </section>
  );
}
