import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Alert, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Roles } from './api/types';
import { useSession } from './session';
import Shell from './components/Shell';

const HomePage = lazy(() => import('./pages/HomePage'));
const AboutPage = lazy(() => import('./pages/AboutPage'));
const LoginPage = lazy(() => import('./pages/auth/LoginPage'));
const RegisterPage = lazy(() => import('./pages/auth/RegisterPage'));
const ResetPage = lazy(() => import('./pages/auth/ResetPage'));
const ResetConfirmPage = lazy(() => import('./pages/auth/ResetConfirmPage'));
const OAuthCallbackPage = lazy(() => import('./pages/auth/OAuthCallbackPage'));
const DashboardPage = lazy(() => import('./pages/DashboardPage'));
const TokensPage = lazy(() => import('./pages/TokensPage'));
const LogsPage = lazy(() => import('./pages/LogsPage'));
const TopUpPage = lazy(() => import('./pages/TopUpPage'));
const ChatPage = lazy(() => import('./pages/ChatPage'));
const PlaygroundPage = lazy(() => import('./pages/PlaygroundPage'));
const PricingPage = lazy(() => import('./pages/PricingPage'));
const ChannelsPage = lazy(() => import('./pages/channels/ChannelsPage'));
const ChannelEditPage = lazy(() => import('./pages/channels/ChannelEditPage'));
const ChannelStatusPage = lazy(() => import('./pages/channels/ChannelStatusPage'));
const RedemptionsPage = lazy(() => import('./pages/RedemptionsPage'));
const UsersPage = lazy(() => import('./pages/UsersPage'));
const SettingsPage = lazy(() => import('./pages/settings/SettingsPage'));

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
