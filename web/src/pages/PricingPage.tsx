import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Input, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { ModelPrice } from '../api/types';
import { PageTitle } from '../components/common';


// one-api's unit: a model ratio of 1 costs $0.002 per 1K tokens, i.e. $2 per million.
const perMillion = (ratio: number) => `$${(ratio * 2).toLocaleString('en-US', { maximumFractionDigits: 4 })}`;

/** Public price list built from the ratios of the models the enabled channels serve. */
export default function PricingPage() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const pricing = useQuery({ queryKey: ['pricing'], queryFn: () => api('get', '/api/pricing') });
  const rows = useMemo(() => (pricing.data?.models ?? []).filter((m) => m.model.toLowerCase().includes(filter.toLowerCase())), [pricing.data, filter]);
  return (
    <>
      <PageTitle>{t('Pricing')}</PageTitle>
      <Typography.Paragraph type="secondary">
        {t('Prices per million tokens for the default group; other groups pay the multiple shown.')}{' '}
        {Object.entries(pricing.data?.group_ratios ?? {}).map(([group, ratio]) => <Tag key={group}>{group} × {ratio}</Tag>)}
      </Typography.Paragraph>
      <Input.Search aria-label={t('Search models')} placeholder={t('Search models')} allowClear onChange={(e) => setFilter(e.target.value)} style={{ width: 260, marginBottom: 16 }} />
      <Table<ModelPrice>
        rowKey="model"
        loading={pricing.isPending}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, showSizeChanger: false }}
        columns={[
          { title: t('Model'), dataIndex: 'model', sorter: (a, b) => a.model.localeCompare(b.model) },
          { title: t('Model ratio'), dataIndex: 'model_ratio', sorter: (a, b) => a.model_ratio - b.model_ratio },
          { title: t('Completion ratio'), dataIndex: 'completion_ratio' },
          { title: t('Input / 1M tokens'), key: 'in', render: (_, m) => perMillion(m.model_ratio) },
          { title: t('Output / 1M tokens'), key: 'out', render: (_, m) => perMillion(m.model_ratio * m.completion_ratio) },
        ]}
      />
    </>
  );
}
