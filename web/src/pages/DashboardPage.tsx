import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Row, Segmented, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api/client';
import { formatNumber, formatQuota } from '../api/format';
import type { DashboardRow } from '../api/types';
import { PageTitle } from '../components/common';
import { useSession, useStatus } from '../session';

type Measure = 'requests' | 'quota' | 'tokens';
const palette = ['#1677ff', '#52c41a', '#faad14', '#eb2f96', '#13c2c2', '#722ed1', '#fa541c', '#2f54eb'];

function valueOf(row: DashboardRow, measure: Measure) {
  if (measure === 'requests') return row.RequestCount;
  if (measure === 'quota') return row.Quota;
  return row.PromptTokens + row.CompletionTokens;
}

/** The last seven days, one bar stack per day and one colour per model. */
function lastWeek(rows: DashboardRow[], measure: Measure) {
  const models = [...new Set(rows.map((r) => r.ModelName))].sort();
  // the server groups by UTC day
  const days = Array.from({ length: 7 }, (_, i) => new Date(Date.now() - (6 - i) * 86_400_000).toISOString().slice(0, 10));
  const data = days.map((day) => {
    const point: Record<string, string | number> = { day: day.slice(5) };
    for (const model of models) point[model] = 0;
    for (const row of rows.filter((r) => r.Day === day)) point[row.ModelName] = (point[row.ModelName] as number) + valueOf(row, measure);
    return point;
  });
  return { models, data };
}

export default function DashboardPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const status = useStatus();
  const [measure, setMeasure] = useState<Measure>('requests');
  const rows = useQuery({ queryKey: ['dashboard'], queryFn: () => api('get', '/api/user/dashboard') });
  const chart = useMemo(() => lastWeek(rows.data ?? [], measure), [rows.data, measure]);
  const format = (v: number) => (measure === 'quota' ? formatQuota(v, status) : formatNumber(v));
  if (!user) return null;
  const weekRequests = (rows.data ?? []).reduce((sum, r) => sum + r.RequestCount, 0);

  return (
    <>
      <PageTitle>{t('Dashboard')}</PageTitle>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Card><Statistic title={t('Remaining quota')} valueRender={() => <span data-testid="quota">{formatQuota(user.quota, status)}</span>} /></Card>
        </Col>
        <Col xs={12} md={6}>
          <Card><Statistic title={t('Used quota')} valueRender={() => formatQuota(user.used_quota, status)} /></Card>
        </Col>
        <Col xs={12} md={6}>
          <Card><Statistic title={t('Requests')} value={formatNumber(user.request_count)} /></Card>
        </Col>
        <Col xs={12} md={6}>
          <Card><Statistic title={t('Requests in 7 days')} value={formatNumber(weekRequests)} /></Card>
        </Col>
      </Row>
      <Card
        title={t('Last 7 days by model')}
        style={{ marginTop: 16 }}
        extra={
          <Segmented<Measure>
            value={measure}
            onChange={setMeasure}
            options={[
              { value: 'requests', label: t('Requests') },
              { value: 'quota', label: t('Quota') },
              { value: 'tokens', label: t('Tokens') },
            ]}
          />
        }
      >
        {chart.models.length === 0 ? (
          <Empty description={t('No calls in the last 7 days')} />
        ) : (
          <div role="img" aria-label={t('Last 7 days by model')} style={{ width: '100%', height: 320 }}>
            <ResponsiveContainer>
              <BarChart data={chart.data}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="day" />
                <YAxis tickFormatter={format} width={80} allowDecimals={measure === 'quota'} />
                <Tooltip formatter={(v) => format(Number(v))} />
                <Legend />
                {chart.models.map((model, i) => (
                  <Bar key={model} dataKey={model} stackId="day" fill={palette[i % palette.length]} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
        )}
      </Card>
    </>
  );
}
