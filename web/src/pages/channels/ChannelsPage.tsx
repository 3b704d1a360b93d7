import { Button, InputNumber, Popconfirm, Space, Tag, Tooltip } from 'antd';
import { DeleteOutlined, PlusOutlined, ThunderboltOutlined, DollarOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, apiRaw } from '../../api/client';
import { formatQuota, formatTime } from '../../api/format';
import type { Channel } from '../../api/types';
import { ListTable, ListToolbar, PageTitle, StatusTag, splitList, useAction, usePagedList } from '../../components/common';
import { useStatus } from '../../session';
import { useChannelTypes } from './channelTypes';

const channelStatus = { 1: 'Enabled', 2: 'Disabled', 3: 'Auto-disabled' };


export default function ChannelsPage() {
  const { t } = useTranslation();
  const status = useStatus();
  const run = useAction();
  const navigate = useNavigate();
  const { nameOf } = useChannelTypes();
  const list = usePagedList('/api/channel', '/api/channel/search');

  // test and balance answer {success, message, …} with their figures beside the envelope
  const raw = <A extends { success: boolean; message: string }>(call: () => Promise<A>, done: (a: A) => string) =>
    run(async () => {
      const answer = await call();
      if (!answer.success) throw new Error(answer.message);
      return answer;
    }, done);

  const test = (c: Channel) =>
    raw(() => apiRaw('/api/channel/test/{id}', { path: { id: c.id } }), (a) =>
      t('Channel {{name}} answered in {{seconds}} s', { name: c.name, seconds: a.time.toFixed(2) }),
    );
  const balance = (c: Channel) =>
    raw(() => apiRaw('/api/channel/update_balance/{id}', { path: { id: c.id } }), (a) =>
      t('Balance of {{name}}: ${{balance}}', { name: c.name, balance: a.balance.toFixed(2) }),
    );
  const update = (c: Channel, change: Partial<Channel>) =>
    run(() => api('put', '/api/channel', { body: { id: c.id, ...change } }), t('Channel {{name}} saved', { name: c.name }));

  return (
    <>
      <PageTitle
        extra={
          <Space wrap>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/channel/add')}>{t('Add channel')}</Button>
            <Button icon={<ThunderboltOutlined />} onClick={() => void run(() => api('get', '/api/channel/test'), t('Testing all channels; root is mailed the result'))}>
              {t('Test all')}
            </Button>
            <Button icon={<DollarOutlined />} onClick={() => void run(() => api('get', '/api/channel/update_balance'), t('Updating all balances'))}>
              {t('Update all balances')}
            </Button>
            <Popconfirm title={t('Delete every disabled channel?')} onConfirm={() => run(() => api('delete', '/api/channel/disabled'), t('Disabled channels deleted'))} okText={t('Delete')}>
              <Button danger icon={<DeleteOutlined />}>{t('Delete disabled')}</Button>
            </Popconfirm>
          </Space>
        }
      >
        {t('Channels')}
      </PageTitle>
      <ListToolbar list={list} label={t('Search channels')} placeholder={t('Search by ID or name')} />
      <ListTable<Channel>
        list={list}
        columns={[
          { title: 'ID', dataIndex: 'id' },
          { title: t('Name'), dataIndex: 'name' },
          { title: t('Type'), dataIndex: 'type', render: nameOf },
          { title: t('Status'), dataIndex: 'status', render: (s: number) => <StatusTag status={s} names={channelStatus} /> },
          { title: t('Groups'), dataIndex: 'group', render: (g: string) => splitList(g).map((x) => <Tag key={x}>{x}</Tag>) },
          {
            title: t('Models'),
            dataIndex: 'models',
            render: (m: string) => {
              const models = splitList(m);
              return <Tooltip title={models.join(', ')}>{models.slice(0, 2).join(', ')}{models.length > 2 ? ` +${models.length - 2}` : ''}</Tooltip>;
            },
          },
          {
            title: t('Priority'),
            dataIndex: 'priority',
            render: (p: number | null, c) => (
              <InputNumber
                size="small"
                aria-label={t('Priority of {{name}}', { name: c.name })}
                defaultValue={p ?? 0}
                style={{ width: 80 }}
                onBlur={(e) => {
                  const value = Number(e.target.value);
                  if (value !== (p ?? 0)) void update(c, { priority: value });
                }}
              />
            ),
          },
          {
            title: t('Response'),
            dataIndex: 'response_time',
            render: (ms: number, c) => (c.test_time ? <Tooltip title={formatTime(c.test_time)}>{(ms / 1000).toFixed(2)} s</Tooltip> : t('Not tested')),
          },
          {
            title: t('Balance'),
            dataIndex: 'balance',
            render: (b: number, c) => (
              <Tooltip title={t('Click to update')}>
                <Button size="small" type="link" onClick={() => void balance(c)}>${b.toFixed(2)}</Button>
              </Tooltip>
            ),
          },
          { title: t('Used'), dataIndex: 'used_quota', render: (q: number) => formatQuota(q, status) },
          {
            title: t('Actions'),
            key: 'actions',
            render: (_, c) => (
              <Space wrap>
                <Button size="small" onClick={() => void test(c)} aria-label={t('Test {{name}}', { name: c.name })}>{t('Test')}</Button>
                {c.status === 1 ? (
                  <Button size="small" onClick={() => void update(c, { status: 2 })} aria-label={t('Disable {{name}}', { name: c.name })}>{t('Disable')}</Button>
                ) : (
                  <Button size="small" onClick={() => void update(c, { status: 1 })} aria-label={t('Enable {{name}}', { name: c.name })}>{t('Enable')}</Button>
                )}
                <Link to={`/channel/edit/${c.id}`} aria-label={t('Edit {{name}}', { name: c.name })}>{t('Edit')}</Link>
                <Popconfirm title={t('Delete {{name}}?', { name: c.name })} onConfirm={() => run(() => api('delete', '/api/channel/{id}', { path: { id: c.id } }), t('Deleted'))} okText={t('Delete')}>
                  <Button size="small" danger aria-label={t('Delete {{name}}', { name: c.name })}>{t('Delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}
