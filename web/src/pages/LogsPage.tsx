import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Form, Input, InputNumber, Select, Space, Statistic, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { formatNumber, formatQuota, formatTime } from '../api/format';
import { Roles, type Log } from '../api/types';
import { ListTable, PageTitle, usePagedList } from '../components/common';
import { useSession, useStatus } from '../session';

const logTypes: Record<number, string> = { 1: 'Top-up', 2: 'Consume', 3: 'Manage', 4: 'System', 5: 'Test' };
const typeColors: Record<number, string> = { 1: 'cyan', 2: 'green', 3: 'orange', 4: 'purple', 5: 'blue' };

interface Filters {
  type?: number;
  range?: [Dayjs | null, Dayjs | null] | null;
  model_name?: string;
  token_name?: string;
  username?: string;
  channel?: number | null;
}

function toQuery(f: Filters, admin: boolean) {
  return {
    type: f.type ?? 0,
    start_timestamp: f.range?.[0]?.unix(),
    end_timestamp: f.range?.[1]?.unix(),
    model_name: f.model_name,
    token_name: f.token_name,
    username: admin ? f.username : undefined,
    channel: admin ? f.channel : undefined,
  };
}

export default function LogsPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const status = useStatus();
  const admin = (user?.role ?? 0) >= Roles.Admin;
  const [filters, setFilters] = useState<Filters>({});
  const query = toQuery(filters, admin);
  const list = usePagedList(admin ? '/api/log' : '/api/log/self', null, query);
  const statQuery = { ...query, type: undefined };
  const stat = useQuery({
    queryKey: ['log-stat', admin, statQuery],
    queryFn: () => api('get', admin ? '/api/log/stat' : '/api/log/self/stat', { query: statQuery }),
  });

  return (
    <>
      <PageTitle>{t('Logs')}</PageTitle>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Form<Filters>
          name="log-filters"
          layout="inline"
          aria-label={t('Log filters')}
          onFinish={(values) => {
            list.resetPage();
            setFilters(values);
          }}
          style={{ rowGap: 8 }}
        >
          <Form.Item label={t('Type')} name="type">
            <Select
              style={{ width: 130 }}
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('All')}
              options={Object.entries(logTypes).map(([id, label]) => ({ value: Number(id), label: t(label) }))}
            />
          </Form.Item>
          <Form.Item label={t('Time')} name="range">
            <DatePicker.RangePicker showTime allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item label={t('Model')} name="model_name">
            <Input allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label={t('Token name')} name="token_name">
            <Input allowClear style={{ width: 140 }} />
          </Form.Item>
          {admin && (
            <>
              <Form.Item label={t('Username')} name="username">
                <Input allowClear style={{ width: 120 }} />
              </Form.Item>
              <Form.Item label={t('Channel ID')} name="channel">
                <InputNumber min={1} style={{ width: 100 }} />
              </Form.Item>
            </>
          )}
          <Button type="primary" htmlType="submit">{t('Filter')}</Button>
          <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} style={{ marginLeft: 8 }}>{t('Refresh')}</Button>
        </Form>
      </Card>
      <Space style={{ marginBottom: 16 }}>
        <Statistic title={t('Quota used (matching logs)')} valueRender={() => <span data-testid="quota-sum">{formatQuota(stat.data?.quota ?? 0, status)}</span>} />
      </Space>
      <ListTable<Log>
        list={list}
        small
        columns={[
          { title: t('Time'), dataIndex: 'created_at', render: formatTime },
          ...(admin
            ? [
                { title: t('Channel'), dataIndex: 'channel', render: (c: number) => c || '' },
                { title: t('User'), dataIndex: 'username' },
              ]
            : []),
          { title: t('Token'), dataIndex: 'token_name' },
          { title: t('Type'), dataIndex: 'type', render: (ty: number) => <Tag color={typeColors[ty]}>{t(logTypes[ty] ?? 'Unknown')}</Tag> },
          { title: t('Model'), dataIndex: 'model_name' },
          { title: t('Prompt'), dataIndex: 'prompt_tokens', render: (n: number, r) => (r.type === 2 ? formatNumber(n) : '') },
          { title: t('Completion'), dataIndex: 'completion_tokens', render: (n: number, r) => (r.type === 2 ? formatNumber(n) : '') },
          { title: t('Quota'), dataIndex: 'quota', render: (q: number, r) => (r.type === 2 || r.type === 1 ? formatQuota(q, status) : '') },
          { title: t('Latency'), dataIndex: 'elapsed_time', render: (ms: number, r) => (r.type === 2 ? `${(ms / 1000).toFixed(2)} s` : '') },
          { title: t('Stream'), dataIndex: 'is_stream', render: (s: boolean, r) => (r.type === 2 ? (s ? <Tag color="blue">{t('Stream')}</Tag> : <Tag>{t('Non-stream')}</Tag>) : '') },
          { title: t('Request ID'), dataIndex: 'request_id', render: (id: string) => (id ? <Typography.Text copyable={{ text: id }} style={{ fontSize: 12 }}>{id.slice(0, 12)}</Typography.Text> : '') },
          { title: t('Detail'), dataIndex: 'content', render: (c: string) => <Typography.Text style={{ maxWidth: 360 }} ellipsis={{ tooltip: c }}>{c}</Typography.Text> },
        ]}
      />
    </>
  );
}
