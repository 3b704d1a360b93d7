import { Navigate, NavLink, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import type { ReactNode } from 'react';
import { Roles } from './api';
import { useSession } from './session';
import LoginPage from './pages/LoginPage';
import DashboardPage from './pages/DashboardPage';
import TokensPage from './pages/TokensPage';
import ChannelsPage from './pages/ChannelsPage';
import LogsPage from './pages/LogsPage';
import UsersPage from './pages/UsersPage';
import SettingsPage from './pages/SettingsPage';

const navItems = [
  { to: '/dashboard', label: 'Dashboard', minRole: Roles.Common },
  { to: '/channel', label: 'Channels', minRole: Roles.Admin },
  { to: '/token', label: 'Tokens', minRole: Roles.Common },
  { to: '/log', label: 'Logs', minRole: Roles.Common },
  { to: '/user', label: 'Users', minRole: Roles.Admin },
  { to: '/setting', label: 'Settings', minRole: Roles.Common },
];

function Layout({ children }: { children: ReactNode }) {
  const { user, status, logout } = useSession();
  const navigate = useNavigate();
  const role = user?.role ?? 0;
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">{status?.system_name || 'One API'}</span>
        <nav aria-label="Main">
          <ul>
            {navItems
              .filter((item) => role >= item.minRole)
              .map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to}>{item.label}</NavLink>
                </li>
              ))}
          </ul>
        </nav>
        <span className="who">
          {user?.username}
          <button
            type="button"
            className="link"
            onClick={async () => {
              await logout();
              navigate('/login');
            }}
          >
            Log out
          </button>
        </span>
      </header>
      <main>{children}</main>
    </div>
  );
}

function RequireRole({ minRole, children }: { minRole: number; children: ReactNode }) {
  const { user, loading } = useSession();
  const location = useLocation();
  if (loading) return <p role="status">Loading…</p>;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (user.role < minRole) return <Layout><p role="alert">You do not have permission to view this page.</p></Layout>;
  return <Layout>{children}</Layout>;
}

export default function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/" element={<Navigate to="/dashboard" replace />} />
      <Route path="/dashboard" element={<RequireRole minRole={Roles.Common}><DashboardPage /></RequireRole>} />
      <Route path="/token" element={<RequireRole minRole={Roles.Common}><TokensPage /></RequireRole>} />
      <Route path="/channel" element={<RequireRole minRole={Roles.Admin}><ChannelsPage /></RequireRole>} />
      <Route path="/log" element={<RequireRole minRole={Roles.Common}><LogsPage /></RequireRole>} />
      <Route path="/user" element={<RequireRole minRole={Roles.Admin}><UsersPage /></RequireRole>} />
      <Route path="/setting" element={<RequireRole minRole={Roles.Common}><SettingsPage /></RequireRole>} />
      <Route path="*" element={<RequireRole minRole={Roles.Common}><h1>Page not found</h1></RequireRole>} />
    </Routes>
  );
}
