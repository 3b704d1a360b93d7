import { useState } from 'react';
import { Alert, Button, Typography } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import AuthCard from './AuthCard';

/** The mailed link's target: the server sets a new random password and the page shows it once. */
export default function ResetConfirmPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const email = params.get('email') ?? '';
  const token = params.get('token') ?? '';

  async function confirm() {
    try {
      setPassword(await api('post', '/api/user/reset', { body: { email, token } }));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <AuthCard title={t('Reset password')}>
      <Typography.Paragraph>{email}</Typography.Paragraph>
      {password ? (
        <Alert type="success" title={t('Your new password')} description={<Typography.Text copyable code>{password}</Typography.Text>} />
      ) : (
        <Button type="primary" block onClick={() => void confirm()} disabled={!email || !token}>
          {t('Set a new password')}
        </Button>
      )}
      {error && <Alert type="error" role="alert" title={error} style={{ marginTop: 12 }} />}
    </AuthCard>
  );
}
