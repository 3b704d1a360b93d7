import { App, Button, Card, Col, Form, Input, Row, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { formatQuota } from '../api/format';
import { PageTitle, useAction } from '../components/common';
import { useSession, useStatus } from '../session';

export default function TopUpPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { user } = useSession();
  const status = useStatus();
  const run = useAction();
  const [form] = Form.useForm<{ key: string }>();

  async function redeem({ key }: { key: string }) {
    const added = await run(() => api('post', '/api/user/topup', { body: { key: key.trim() } }));
    if (added !== undefined) {
      message.success(t('Redeemed: {{quota}} added', { quota: formatQuota(added, status) }));
      form.resetFields();
    }
  }

  return (
    <>
      <PageTitle>{t('Top up')}</PageTitle>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={12}>
          <Card title={t('Redeem a code')}>
            <Form form={form} name="redeem" layout="vertical" onFinish={redeem} aria-label={t('Redeem a code')}>
              <Form.Item label={t('Redemption code')} name="key" rules={[{ required: true, message: t('Required') }]}>
                <Input autoComplete="off" />
              </Form.Item>
              <Button type="primary" htmlType="submit">{t('Redeem')}</Button>
              {status?.top_up_link && (
                <Button href={status.top_up_link} target="_blank" style={{ marginLeft: 8 }}>{t('Buy a code')}</Button>
              )}
            </Form>
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card>
            <Statistic title={t('Balance')} valueRender={() => <span data-testid="balance">{formatQuota(user?.quota ?? 0, status)}</span>} />
          </Card>
        </Col>
      </Row>
    </>
  );
}
