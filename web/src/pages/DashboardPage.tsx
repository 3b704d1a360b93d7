import { useEffect } from 'react';
import { formatQuota, roleName } from '../api';
import { useSession } from '../session';

export default function DashboardPage() {
  const { user, status, refresh } = useSession();
  useEffect(() => {
    void refresh();
  }, [refresh]);
  if (!user) return null;
  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      <p>Welcome, {user.display_name || user.username} ({roleName(user.role)}).</p>
      <dl className="stats">
        <div>
          <dt>Remaining quota</dt>
          <dd data-testid="quota">{formatQuota(user.quota, status)}</dd>
        </div>
        <div>
          <dt>Used quota</dt>
          <dd>{formatQuota(user.used_quota, status)}</dd>
        </div>
        <div>
          <dt>Requests</dt>
          <dd>{user.request_count}</dd>
        </div>
        <div>
          <dt>Group</dt>
          <dd>{user.group}</dd>
        </div>
      </dl>
    </section>
  );
}
