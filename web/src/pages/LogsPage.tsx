import { useCallback, useEffect, useState } from 'react';
import { api, formatQuota, formatTime, Roles } from '../api';
import { useSession } from '../session';
import Pager from './Pager';

interface Log {
  id: number;
  created_at: number;
  type: number;
  content: string;
  username: string;
  token_name: string;
  model_name: string;
  quota: number;
  prompt_tokens: number;
  completion_tokens: number;
  channel: number;
  elapsed_time: number;
  is_stream: boolean;
}

const logTypes: [number, string][] = [[0, 'All'], [1, 'Top-up'], [2, 'Consume'], [3, 'Manage'], [4, 'System'], [5, 'Test']];
const typeName = (t: number) => logTypes.find(([id]) => id === t)?.[1] ?? 'Unknown';

export default function LogsPage() {
  const { user, status } = useSession();
  const isAdmin = (user?.role ?? 0) >= Roles.Admin;
  const [logs, setLogs] = useState<Log[]>([]);
  const [page, setPage] = useState(0);
  const [type, setType] = useState(0);
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    setError('');
    try {
      const base = isAdmin ? '/api/log/' : '/api/log/self';
      setLogs(await api<Log[]>('GET', `${base}?p=${page}&type=${type}`));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [isAdmin, page, type]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-labelledby="logs-title">
      <h1 id="logs-title">Logs</h1>
      <div className="toolbar">
        <label>Type
          <select value={type} onChange={(e) => { setPage(0); setType(Number(e.target.value)); }}>
            {logTypes.map(([id, label]) => <option key={id} value={id}>{label}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => void load()}>Refresh</button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <table>
        <caption>{isAdmin ? 'All logs' : 'Your logs'}</caption>
        <thead>
          <tr>
            <th>Time</th>{isAdmin && <th>Channel</th>}{isAdmin && <th>User</th>}<th>Token</th><th>Type</th><th>Model</th>
            <th>Prompt</th><th>Completion</th><th>Quota</th><th>Latency</th><th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {logs.map((l) => (
            <tr key={l.id}>
              <td>{formatTime(l.created_at)}</td>
              {isAdmin && <td>{l.channel || ''}</td>}
              {isAdmin && <td>{l.username}</td>}
              <td>{l.token_name}</td>
              <td>{typeName(l.type)}</td>
              <td>{l.model_name}</td>
              <td>{l.prompt_tokens || ''}</td>
              <td>{l.completion_tokens || ''}</td>
              <td>{l.quota ? formatQuota(l.quota, status) : ''}</td>
              <td>{l.elapsed_time ? `${l.elapsed_time} ms${l.is_stream ? ' (stream)' : ''}` : ''}</td>
              <td className="content">{l.content}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} setPage={setPage} count={logs.length} />
    </section>
  );
}
