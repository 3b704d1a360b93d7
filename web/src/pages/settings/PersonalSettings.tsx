import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Col, Descriptions, Form, Input, Row, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { CopyButton, useAction } from '../../components/common';
import { useSession, useStatus } from '../../session';
import OAuthButtons from '../auth/OAuthButtons';

function AccessToken() {
  const { t } = useTranslation();
  const run = useAction();
  const [token, setToken] = useState('');
  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('Access token')}</h2>} style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">{t('Send it as the Authorization header to call /api without a session. Generating a new one revokes the old.')}</Typography.Paragraph>
      <Space wrap>
        <Button onClick={async () => setToken((await run(() => api('get', '/api/user/token'), t('Access token generated'))) ?? '')}>
          {t('Generate access token')}
        </Button>
        {token && (
          <>
            <Typography.Text code data-testid="access-token">{token}</Typography.Text>
            <CopyButton text={token} label={t('Copy access token')} />
          </>
        )}
      </Space>
    </Card>
  );
}

function EmailBinding() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const run = useAction();
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  return (
    <Space.Compact style={{ width: '100%', maxWidth: 520 }}>
      <Input aria-label={t('Email to bind')} placeholder={t('Email')} value={email} onChange={(e) => setEmail(e.target.value)} />
      <Button
        onClick={async () => {
          try {
            await api('get', '/api/verification', { query: { email } });
            message.success(t('The code was sent; check your mailbox'));
          } catch (e) {
            message.error((e as Error).message);
          }
        }}
      >
        {t('Send code')}
      </Button>
      <Input aria-label={t('Verification code')} placeholder={t('Code')} value={code} onChange={(e) => setCode(e.target.value)} />
      <Button type="primary" onClick={() => void run(() => api('get', '/api/oauth/email/bind', { query: { email, code } }), t('Email bound'))}>
        {t('Bind')}
      </Button>
    </Space.Compact>
  );
}

/** Everyone's own account: profile, password, access token, invitation link and sign-in bindings. */
export default function PersonalSettings() {
  const { t } = useTranslation();
  const { user } = useSession();
  const status = useStatus();
  const run = useAction();
  const aff = useQuery({ queryKey: ['aff'], queryFn: () => api('get', '/api/user/aff') });
  if (!user) return null;
  const affLink = `${window.location.origin}/register?aff=${aff.data ?? ''}`;

  return (
    <Row gutter={16}>
      <Col xs={24} lg={12}>
        <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('Profile')}</h2>} style={{ marginBottom: 16 }}>
          <Form
            name="self"
            layout="vertical"
            initialValues={{ username: user.username, display_name: user.display_name }}
            onFinish={(values: { username: string; display_name: string; password?: string }) =>
              run(() => api('put', '/api/user/self', { body: { ...values, password: values.password ?? '' } }), t('Profile saved'))
            }
          >
            <Form.Item label={t('Username')} name="username" rules={[{ required: true, max: 12 }]}>
              <Input />
            </Form.Item>
            <Form.Item label={t('Display name')} name="display_name" rules={[{ max: 20 }]}>
              <Input />
            </Form.Item>
            <Form.Item label={t('New password')} name="password" extra={t('Leave empty to keep the current password')} rules={[{ min: 8, max: 20, message: t('8 to 20 characters') }]}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit">{t('Save profile')}</Button>
          </Form>
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <AccessToken />
        <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('Invitation link')}</h2>} style={{ marginBottom: 16 }}>
          <Space>
            <Typography.Text code>{affLink}</Typography.Text>
            <CopyButton text={affLink} label={t('Copy invitation link')} />
          </Space>
        </Card>
        <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('Bindings')}</h2>}>
          <Descriptions column={1} size="small" style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t('Email')}>{user.email || '—'}</Descriptions.Item>
            <Descriptions.Item label="GitHub">{user.github_id || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('WeChat')}>{user.wechat_id || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('Lark')}>{user.lark_id || '—'}</Descriptions.Item>
          </Descriptions>
          <EmailBinding />
          {status && <div style={{ marginTop: 12 }}><OAuthButtons status={status} bind /></div>}
        </Card>
      </Col>
    </Row>
  );
}
