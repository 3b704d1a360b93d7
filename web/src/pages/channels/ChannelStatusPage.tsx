import { useQuery } from '@tanstack/react-query';
import { Progress, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { formatNumber, formatTime } from '../../api/format';
import type { ChannelHealth } from '../../api/types';
import { PageTitle, StatusTag } from '../../components/common';


const channelStatus = { 1: 'Enabled', 2: 'Disabled', 3: 'Auto-disabled' };

/** Each channel's recent success rate (its last calls since the server started) and its latency over 24 hours. */
export default function ChannelStatusPage() {
  const { t } = useTranslation();
  const health = useQuery({ queryKey: ['channel-status'], queryFn: () => api('get', '/api/channel/status'), refetchInterval: 30_000 });
  return (
    <>
      <PageTitle>{t('Channel status')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('Success rate over each channel\'s last calls since the server started; latency and requests over the last 24 hours.')}</Typography.Paragraph>
      <Table<ChannelHealth>
        rowKey="id"
        loading={health.isPending}
        dataSource={health.data}
        scroll={{ x: 'max-content' }}
        pagination={false}
        columns={[
          { title: 'ID', dataIndex: 'id' },
          { title: t('Name'), dataIndex: 'name' },
          { title: t('Status'), dataIndex: 'status', render: (s: number) => <StatusTag status={s} names={channelStatus} /> },
          {
            title: t('Success rate'),
            key: 'rate',
            render: (_, c) =>
              c.recent_calls ? (
                <Progress percent={Math.round((c.recent_successes / c.recent_calls) * 100)} size="small" style={{ width: 160 }} status={c.recent_successes < c.recent_calls ? 'exception' : 'success'} format={(p) => `${p}% (${c.recent_successes}/${c.recent_calls})`} />
              ) : (
                t('No calls yet')
              ),
          },
          { title: t('Requests (24 h)'), dataIndex: 'requests_24h', render: formatNumber },
          { title: t('Average latency (24 h)'), dataIndex: 'average_latency_ms_24h', render: (ms: number, c) => (c.requests_24h ? `${(ms / 1000).toFixed(2)} s` : '—') },
          { title: t('Last test'), dataIndex: 'test_time', render: (time: number, c) => (time ? `${formatTime(time)} (${(c.response_time / 1000).toFixed(2)} s)` : '—') },
        ]}
      />
    </>
  );
}
