import { useState } from 'react';
import { App, Button, Form, Input, Space } from 'antd';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { api, type Schema } from '../../api/client';
import { useStatus } from '../../session';
import AuthCard from './AuthCard';
import OAuthButtons from './OAuthButtons';

export default function LoginPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const status = useStatus();
  const navigate = useNavigate();
  const location = useLocation();
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);

  async function login(values: Schema<'LoginRequest'>) {
    setBusy(true);
    try {
      client.setQueryData(['self'], await api('post', '/api/user/login', { body: values }));
      await client.invalidateQueries({ queryKey: ['self'] });
      navigate((location.state as { from?: string } | null)?.from ?? '/dashboard', { replace: true });
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard title={t('Log in')}>
      <Form name="login" layout="vertical" onFinish={login} requiredMark={false}>
        <Form.Item label={t('Username')} name="username" rules={[{ required: true, message: t('Required') }]}>
          <Input autoComplete="username" />
        </Form.Item>
        <Form.Item label={t('Password')} name="password" rules={[{ required: true, message: t('Required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block>
          {t('Log in')}
        </Button>
      </Form>
      <Space style={{ marginTop: 12, justifyContent: 'space-between', width: '100%' }}>
        <Link to="/register">{t('Register')}</Link>
        <Link to="/reset">{t('Forgot password?')}</Link>
      </Space>
      {status && <OAuthButtons status={status} />}
    </AuthCard>
  );
}
