import { useState } from 'react';
import { App, Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useStatus } from '../../session';
import Turnstile from '../../components/Turnstile';
import AuthCard from './AuthCard';

/** Asks for a reset link by email; the link leads to /user/reset. */
export default function ResetPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const status = useStatus();
  const [turnstile, setTurnstile] = useState('');
  const [sent, setSent] = useState(false);

  async function send({ email }: { email: string }) {
    try {
      await api('get', '/api/reset_password', { query: { email, turnstile } });
      setSent(true);
      message.success(t('The reset link was sent; check your mailbox'));
    } catch (e) {
      message.error((e as Error).message);
    }
  }

  return (
    <AuthCard title={t('Reset password')}>
      <Form name="reset" layout="vertical" onFinish={send} requiredMark={false}>
        <Form.Item label={t('Email')} name="email" rules={[{ required: true, type: 'email', message: t('A valid email') }]}>
          <Input autoComplete="email" />
        </Form.Item>
        {status?.turnstile_check && <Turnstile siteKey={status.turnstile_site_key} onToken={setTurnstile} />}
        <Button type="primary" htmlType="submit" block disabled={sent || (!!status?.turnstile_check && !turnstile)}>
          {t('Send reset link')}
        </Button>
      </Form>
    </AuthCard>
  );
}
