import { useState } from 'react';
import { App, Button, Form, Input, Space } from 'antd';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useStatus } from '../../session';
import Turnstile from '../../components/Turnstile';
import AuthCard from './AuthCard';

interface RegisterForm {
  username: string;
  password: string;
  password2: string;
  email?: string;
  verification_code?: string;
}

export default function RegisterPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const status = useStatus();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form] = Form.useForm<RegisterForm>();
  const [turnstile, setTurnstile] = useState('');
  const [busy, setBusy] = useState(false);
  const needsTurnstile = !!status?.turnstile_check;

  async function sendCode() {
    const email = form.getFieldValue('email');
    if (!email) return void message.warning(t('Enter your email first'));
    try {
      await api('get', '/api/verification', { query: { email, turnstile } });
      message.success(t('The code was sent; check your mailbox'));
    } catch (e) {
      message.error((e as Error).message);
    }
  }

  async function register({ password2: _, ...values }: RegisterForm) {
    setBusy(true);
    try {
      await api('post', '/api/user/register', {
        body: { ...values, aff_code: params.get('aff') ?? undefined },
        query: { turnstile },
      });
      message.success(t('Registered; please log in'));
      navigate('/login');
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard title={t('Register')}>
      <Form form={form} name="register" layout="vertical" onFinish={register} requiredMark={false}>
        <Form.Item label={t('Username')} name="username" rules={[{ required: true, max: 12, message: t('1 to 12 characters') }]}>
          <Input autoComplete="username" />
        </Form.Item>
        <Form.Item label={t('Password')} name="password" rules={[{ required: true, min: 8, max: 20, message: t('8 to 20 characters') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label={t('Confirm password')}
          name="password2"
          dependencies={['password']}
          rules={[
            { required: true, message: t('Required') },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                value === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('The passwords differ'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        {status?.email_verification && (
          <>
            <Form.Item label={t('Email')} name="email" rules={[{ required: true, type: 'email', message: t('A valid email') }]}>
              <Input autoComplete="email" />
            </Form.Item>
            <Form.Item label={t('Verification code')} required>
              <Space.Compact style={{ width: '100%' }}>
                <Form.Item name="verification_code" noStyle rules={[{ required: true, message: t('Required') }]}>
                  <Input aria-label={t('Verification code')} />
                </Form.Item>
                <Button onClick={() => void sendCode()}>{t('Send code')}</Button>
              </Space.Compact>
            </Form.Item>
          </>
        )}
        {needsTurnstile && <Turnstile siteKey={status!.turnstile_site_key} onToken={setTurnstile} />}
        <Button type="primary" htmlType="submit" loading={busy} disabled={needsTurnstile && !turnstile} block>
          {t('Register')}
        </Button>
      </Form>
      <div style={{ marginTop: 12 }}>
        <Link to="/login">{t('Already have an account? Log in')}</Link>
      </div>
    </AuthCard>
  );
}
