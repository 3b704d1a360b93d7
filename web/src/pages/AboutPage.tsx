import { useQuery } from '@tanstack/react-query';
import { Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import RichContent from '../components/RichContent';
import { PageTitle } from '../components/common';

export default function AboutPage() {
  const { t } = useTranslation();
  const about = useQuery({ queryKey: ['about'], queryFn: () => api('get', '/api/about') });
  if (about.isPending) return <Spin />;
  return (
    <>
      <PageTitle>{t('About')}</PageTitle>
      {about.data ? (
        <RichContent content={about.data} title={t('About')} />
      ) : (
        <Typography.Paragraph>{t('The administrator has not written an About page yet (Settings → Other).')}</Typography.Paragraph>
      )}
    </>
  );
}
