import { useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { Button, Dropdown, Grid, Layout, Menu, Space, Typography, theme as antdTheme } from 'antd';
import {
  ApiOutlined, AppstoreOutlined, BarChartOutlined, CommentOutlined, DashboardOutlined, DollarOutlined, GiftOutlined,
  HomeOutlined, InfoCircleOutlined, KeyOutlined, LogoutOutlined, MoonOutlined, ExperimentOutlined, ProfileOutlined,
  SettingOutlined, SunOutlined, TeamOutlined, TranslationOutlined, WalletOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Roles } from '../api/types';
import { isChinese, languages } from '../i18n';
import { useTheme } from '../prefs';
import { useSession, useStatus } from '../session';

interface NavItem {
  to: string;
  label: string;
  icon: ReactNode;
  minRole: number;
  hidden?: (links: { chat: boolean }) => boolean;
}

const nav: NavItem[] = [
  { to: '/', label: 'Home', icon: <HomeOutlined />, minRole: Roles.Guest },
  { to: '/dashboard', label: 'Dashboard', icon: <DashboardOutlined />, minRole: Roles.Common },
  { to: '/channel', label: 'Channels', icon: <ApiOutlined />, minRole: Roles.Admin },
  { to: '/channel/status', label: 'Channel status', icon: <BarChartOutlined />, minRole: Roles.Admin },
  { to: '/token', label: 'Tokens', icon: <KeyOutlined />, minRole: Roles.Common },
  { to: '/log', label: 'Logs', icon: <ProfileOutlined />, minRole: Roles.Common },
  { to: '/playground', label: 'Playground', icon: <ExperimentOutlined />, minRole: Roles.Common },
  { to: '/chat', label: 'Chat', icon: <CommentOutlined />, minRole: Roles.Common, hidden: ({ chat }) => !chat },
  { to: '/topup', label: 'Top up', icon: <WalletOutlined />, minRole: Roles.Common },
  { to: '/redemption', label: 'Redemptions', icon: <GiftOutlined />, minRole: Roles.Admin },
  { to: '/user', label: 'Users', icon: <TeamOutlined />, minRole: Roles.Admin },
  { to: '/pricing', label: 'Pricing', icon: <DollarOutlined />, minRole: Roles.Guest },
  { to: '/setting', label: 'Settings', icon: <SettingOutlined />, minRole: Roles.Common },
  { to: '/about', label: 'About', icon: <InfoCircleOutlined />, minRole: Roles.Guest },
];

/** The frame of every page: the side navigation (a drawer on a phone), the language, theme and account controls. */
export default function Shell({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { user, logout } = useSession();
  const status = useStatus();
  const { theme, toggle } = useTheme();
  const location = useLocation();
  const navigate = useNavigate();
  const { token } = antdTheme.useToken();
  const [collapsed, setCollapsed] = useState(false);
  const narrow = !Grid.useBreakpoint().md; // a phone: icon-only header buttons
  const role = user?.role ?? Roles.Guest;
  const items = nav.filter((item) => role >= item.minRole && !item.hidden?.({ chat: !!status?.chat_link }));
  const selected = items.map((i) => i.to).filter((to) => to === location.pathname || (to !== '/' && location.pathname.startsWith(to + '/')));

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        breakpoint="md"
        collapsedWidth={0}
        collapsed={collapsed}
        onCollapse={setCollapsed}
        theme={theme}
        width={200}
        zeroWidthTriggerStyle={{ top: 16 }}
      >
        <Link to="/" style={{ display: 'flex', gap: 8, alignItems: 'center', padding: 16, color: token.colorText }}>
          {status?.logo ? <img src={status.logo} alt="" height={28} /> : <AppstoreOutlined style={{ fontSize: 24 }} />}
          <Typography.Text strong>{status?.system_name || 'One API'}</Typography.Text>
        </Link>
        <nav aria-label={t('Main')}>
          <Menu
            mode="inline"
            theme={theme}
            selectedKeys={selected.slice(-1)}
            onClick={() => window.innerWidth < 768 && setCollapsed(true)}
            items={items.map((item) => ({ key: item.to, icon: item.icon, label: <Link to={item.to}>{t(item.label)}</Link> }))}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ display: 'flex', justifyContent: 'flex-end', alignItems: 'center', gap: 8, padding: collapsed ? '0 16px 0 56px' : '0 16px', background: token.colorBgContainer }}>
          <Space>
            <Dropdown
              trigger={['click']}
              menu={{
                selectable: true,
                selectedKeys: [isChinese(i18n.language) ? 'zh' : 'en'],
                items: languages.map((l) => ({ key: l.code, label: l.label })),
                onClick: ({ key }) => void i18n.changeLanguage(key),
              }}
            >
              <Button icon={<TranslationOutlined />} aria-label={t('Language')}>
                {!narrow && languages.find((l) => l.code === (isChinese(i18n.language) ? 'zh' : 'en'))?.label}
              </Button>
            </Dropdown>
            <Button
              icon={theme === 'dark' ? <SunOutlined /> : <MoonOutlined />}
              aria-label={theme === 'dark' ? t('Light theme') : t('Dark theme')}
              onClick={toggle}
            />
            {user ? (
              <>
                {!narrow && <Typography.Text>{user.display_name || user.username}</Typography.Text>}
                <Button
                  icon={<LogoutOutlined />}
                  aria-label={t('Log out')}
                  onClick={async () => {
                    await logout();
                    navigate('/login');
                  }}
                >
                  {!narrow && t('Log out')}
                </Button>
              </>
            ) : location.pathname === '/login' ? null : (
              <Button type="primary" onClick={() => navigate('/login')}>
                {t('Log in')}
              </Button>
            )}
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 16, overflowX: 'auto' }}>
          <main>{children}</main>
        </Layout.Content>
        {status?.footer_html ? (
          <Layout.Footer style={{ textAlign: 'center' }} dangerouslySetInnerHTML={{ __html: status.footer_html }} />
        ) : (
          <Layout.Footer style={{ textAlign: 'center' }}>
            {status?.system_name || 'One API'} {status?.version}
          </Layout.Footer>
        )}
      </Layout>
    </Layout>
  );
}
