import { useEffect, useState } from 'react';
import { api, Roles } from '../api';
import { useSession } from '../session';

interface OptionRow {
  key: string;
  value: string;
}

// A few of one-api's runtime options (model/option.go) that operators change most.
const editable: { key: string; label: string; multiline?: boolean }[] = [
  { key: 'RetryTimes', label: 'Retry times' },
  { key: 'QuotaForNewUser', label: 'Quota for new users' },
  { key: 'Notice', label: 'Notice', multiline: true },
  { key: 'ModelRatio', label: 'Model ratio (JSON)', multiline: true },
  { key: 'GroupRatio', label: 'Group ratio (JSON)', multiline: true },
];

function PersonalSettings() {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  return (
    <section className="card" aria-labelledby="personal-title">
      <h2 id="personal-title">Personal</h2>
      <p>An access token lets scripts call the management API with <code>Authorization: &lt;token&gt;</code>. Generating one replaces the old one.</p>
      <button
        type="button"
        onClick={async () => {
          setError('');
          try {
            setToken(await api<string>('GET', '/api/user/token'));
          } catch (e) {
            setError((e as Error).message);
          }
        }}
      >
        Generate access token
      </button>
      {token && <p role="status">Access token: <code data-testid="access-token">{token}</code></p>}
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}

function OptionField({ name, label, multiline, initial }: { name: string; label: string; multiline?: boolean; initial: string }) {
  const [value, setValue] = useState(initial);
  const [message, setMessage] = useState('');
  const [failed, setFailed] = useState(false);
  useEffect(() => setValue(initial), [initial]);

  async function save() {
    setMessage('');
    setFailed(false);
    if (name.endsWith('Ratio')) {
      try {
        JSON.parse(value);
      } catch {
        setFailed(true);
        setMessage(`${label} is not valid JSON`);
        return;
      }
    }
    try {
      await api('PUT', '/api/option/', { key: name, value });
      setMessage(`${label} saved`);
    } catch (e) {
      setFailed(true);
      setMessage((e as Error).message);
    }
  }

  return (
    <div className="option">
      <label>
        {label}
        {multiline ? (
          <textarea rows={name.endsWith('Ratio') ? 8 : 3} value={value} onChange={(e) => setValue(e.target.value)} />
        ) : (
          <input value={value} onChange={(e) => setValue(e.target.value)} />
        )}
      </label>
      <button type="button" onClick={save}>Save {label}</button>
      {message && <span role={failed ? 'alert' : 'status'} className={failed ? 'error' : 'notice'}>{message}</span>}
    </div>
  );
}

function SystemSettings() {
  const [options, setOptions] = useState<Record<string, string> | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api<OptionRow[]>('GET', '/api/option/')
      .then((rows) => setOptions(Object.fromEntries(rows.map((r) => [r.key, r.value]))))
      .catch((e: Error) => setError(e.message));
  }, []);
  return (
    <section className="card" aria-labelledby="system-title">
      <h2 id="system-title">Operation</h2>
      {error && <p role="alert" className="error">{error}</p>}
      {options && editable.map((o) => <OptionField key={o.key} name={o.key} label={o.label} multiline={o.multiline} initial={options[o.key] ?? ''} />)}
    </section>
  );
}

export default function SettingsPage() {
  const { user } = useSession();
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <PersonalSettings />
      {(user?.role ?? 0) >= Roles.Root && <SystemSettings />}
    </section>
  );
}
