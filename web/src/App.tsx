import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Alert, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Roles } from './api/types';
import { useSession } from './session';
import Shell from './components/Shell';

import HomePage from './pages/HomePage';
import AboutPage from './pages/AboutPage';
import LoginPage from './pages/auth/LoginPage';
import RegisterPage from './pages/auth/RegisterPage';
import ResetPage from './pages/auth/ResetPage';
import ResetConfirmPage from './pages/auth/ResetConfirmPage';
import OAuthCallbackPage from './pages/auth/OAuthCallbackPage';
import TokensPage from './pages/TokensPage';
import LogsPage from './pages/LogsPage';
import TopUpPage from './pages/TopUpPage';
import ChatPage from './pages/ChatPage';
import PlaygroundPage from './pages/PlaygroundPage';
import PricingPage from './pages/PricingPage';
import ChannelsPage from './pages/channels/ChannelsPage';
import ChannelEditPage from './pages/channels/ChannelEditPage';
import ChannelStatusPage from './pages/channels/ChannelStatusPage';
import RedemptionsPage from './pages/RedemptionsPage';
import UsersPage from './pages/UsersPage';
import SettingsPage from './pages/settings/SettingsPage';

// The chart library is most of the weight; only the dashboard loads it. Other pages are in the main bundle, since the
// server limits console requests per IP (GLOBAL_WEB_RATE_LIMIT) and many small chunks would spend that budget.
const DashboardPage = lazy(() => import('./pages/DashboardPage'));

function RequireRole({ minRole, children }: { minRole: number; children: ReactNode }) {
  const { user, loading } = useSession();
  const location = useLocation();
  const { t } = useTranslation();
  if (loading) return <Spin />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (user.role < minRole) return <Alert type="error" role="alert" title={t('You do not have permission to view this page.')} />;
  return <>{children}</>;
}

const user = (page: ReactNode) => <RequireRole minRole={Roles.Common}>{page}</RequireRole>;
const admin = (page: ReactNode) => <RequireRole minRole={Roles.Admin}>{page}</RequireRole>;

export default function App() {
  const { t } = useTranslation();
  return (
    <Shell>
      <Suspense fallback={<Spin />}>
        <Routes>
          <Route path="/" element={<HomePage />} />
          <Route path="/about" element={<AboutPage />} />
          <Route path="/pricing" element={<PricingPage />} />
          <Route path="/login" element={<LoginPage />} />
          <Route path="/register" element={<RegisterPage />} />
          <Route path="/reset" element={<ResetPage />} />
          <Route path="/user/reset" element={<ResetConfirmPage />} />
          <Route path="/oauth/:provider" element={<OAuthCallbackPage />} />
          <Route path="/dashboard" element={user(<DashboardPage />)} />
          <Route path="/token" element={user(<TokensPage />)} />
          <Route path="/log" element={user(<LogsPage />)} />
          <Route path="/topup" element={user(<TopUpPage />)} />
          <Route path="/chat" element={user(<ChatPage />)} />
          <Route path="/playground" element={user(<PlaygroundPage />)} />
          <Route path="/setting" element={user(<SettingsPage />)} />
          <Route path="/channel" element={admin(<ChannelsPage />)} />
          <Route path="/channel/add" element={admin(<ChannelEditPage />)} />
          <Route path="/channel/edit/:id" element={admin(<ChannelEditPage />)} />
          <Route path="/channel/status" element={admin(<ChannelStatusPage />)} />
          <Route path="/redemption" element={admin(<RedemptionsPage />)} />
          <Route path="/user" element={admin(<UsersPage />)} />
          <Route path="*" element={<Alert type="warning" title={t('Page not found')} />} />
        </Routes>
      </Suspense>
    </Shell>
  );
}
