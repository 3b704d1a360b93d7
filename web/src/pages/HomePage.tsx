import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Space, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { formatTime } from '../api/format';
import RichContent from '../components/RichContent';
import { PageTitle } from '../components/common';
import { useStatus } from '../session';

export default function HomePage() {
  const { t } = useTranslation();
  const status = useStatus();
  const content = useQuery({ queryKey: ['home'], queryFn: () => api('get', '/api/home_page_content') });
  const notice = useQuery({ queryKey: ['notice'], queryFn: () => api('get', '/api/notice') });
  if (content.isPending) return <Spin />;
  return (
    <>
      {notice.data && <Alert type="info" showIcon title={<RichContent content={notice.data} title={t('Notice')} />} style={{ marginBottom: 16 }} />}
      {content.data ? (
        <RichContent content={content.data} title={t('Home')} />
      ) : (
        <>
          <PageTitle>{status?.system_name || 'One API'}</PageTitle>
          <Card>
            <Descriptions column={1} bordered size="small">
              <Descriptions.Item label={t('Version')}>{status?.version}</Descriptions.Item>
              <Descriptions.Item label={t('Started')}>{formatTime(status?.start_time ?? 0)}</Descriptions.Item>
              <Descriptions.Item label={t('Email verification')}>{status?.email_verification ? t('On') : t('Off')}</Descriptions.Item>
              <Descriptions.Item label="GitHub OAuth">{status?.github_oauth ? t('On') : t('Off')}</Descriptions.Item>
              <Descriptions.Item label="Turnstile">{status?.turnstile_check ? t('On') : t('Off')}</Descriptions.Item>
            </Descriptions>
            <Space style={{ marginTop: 16 }}>
              <Link to="/pricing"><Button>{t('Pricing')}</Button></Link>
              <Link to="/dashboard"><Button type="primary">{t('Dashboard')}</Button></Link>
            </Space>
          </Card>
        </>
      )}
    </>
  );
}
