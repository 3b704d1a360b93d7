import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, DatePicker, Dropdown, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Switch, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { formatQuota, formatTime, quotaFromInput, quotaToInput } from '../api/format';
import type { Status, Token } from '../api/types';
import { CopyButton, ListTable, ListToolbar, PageTitle, StatusTag, splitList, useAction, usePagedList } from '../components/common';
import { useStatus } from '../session';

const tokenStatus = { 1: 'Enabled', 2: 'Disabled', 3: 'Expired', 4: 'Exhausted' };

interface TokenForm {
  name: string;
  never_expires: boolean;
  expires_at?: dayjs.Dayjs;
  unlimited_quota: boolean;
  quota?: number;
  models: string[];
  subnet?: string;
}

/** Links that open a chat client already set up with this key (one-api's list; ChatGPT-Next-Web follows ChatLink). */
function chatClients(key: string, status: Status | undefined) {
  const server = status?.server_address || window.location.origin;
  const next = status?.chat_link || 'https://app.nextchat.dev';
  return [
    { key: 'next', label: 'ChatGPT Next Web', url: `${next}/#/?settings=${encodeURIComponent(JSON.stringify({ key, url: server }))}` },
    { key: 'ama', label: 'AMA', url: `ama://set-api-key?server=${encodeURIComponent(server)}&key=${key}` },
    { key: 'opencat', label: 'OpenCat', url: `opencat://team/join?domain=${encodeURIComponent(server)}&token=${key}` },
    {
      key: 'lobe',
      label: 'Lobe Chat',
      url: `https://chat-preview.lobehub.com/?settings=${encodeURIComponent(JSON.stringify({ keyVaults: { openai: { apiKey: key, baseURL: `${server}/v1` } } }))}`,
    },
  ];
}

function TokenEditor({ token, onClose }: { token: Token | 'new'; onClose: (created?: Token) => void }) {
  const { t } = useTranslation();
  const status = useStatus();
  const run = useAction();
  const [form] = Form.useForm<TokenForm>();
  const models = useQuery({ queryKey: ['available-models'], queryFn: () => api('get', '/api/user/available_models') });
  const editing = token !== 'new';
  const initial: TokenForm = editing
    ? {
        name: token.name,
        never_expires: token.expired_time === -1,
        expires_at: token.expired_time > 0 ? dayjs.unix(token.expired_time) : undefined,
        unlimited_quota: token.unlimited_quota,
        quota: quotaToInput(token.remain_quota, status),
        models: splitList(token.models),
        subnet: token.subnet ?? '',
      }
    : { name: '', never_expires: true, unlimited_quota: false, quota: quotaToInput(500000, status), models: [] };
  const neverExpires = Form.useWatch('never_expires', form) ?? initial.never_expires;
  const unlimited = Form.useWatch('unlimited_quota', form) ?? initial.unlimited_quota;

  async function save(values: TokenForm) {
    const body = {
      name: values.name,
      expired_time: values.never_expires || !values.expires_at ? -1 : values.expires_at.unix(),
      unlimited_quota: values.unlimited_quota,
      remain_quota: quotaFromInput(values.quota ?? 0, status),
      models: values.models.length ? values.models.join(',') : null,
      subnet: values.subnet ?? '',
    };
    const saved = await run(
      () => (editing ? api('put', '/api/token', { body: { ...body, id: token.id, status: token.status } }) : api('post', '/api/token', { body })),
      editing ? t('Token {{name}} saved', { name: values.name }) : t('Token {{name}} created', { name: values.name }),
    );
    if (saved !== undefined) onClose(editing ? undefined : (saved ?? undefined));
  }

  return (
    <Modal open title={editing ? t('Edit token') : t('Create token')} onCancel={() => onClose()} onOk={() => form.submit()} okText={t('Save')} destroyOnHidden>
      <Form form={form} name="token" layout="vertical" initialValues={initial} onFinish={save} aria-label={editing ? t('Edit token') : t('Create token')}>
        <Form.Item label={t('Name')} name="name" rules={[{ required: true, max: 30, message: t('1 to 30 characters') }]}>
          <Input />
        </Form.Item>
        <Space wrap>
          <Form.Item label={t('Never expires')} name="never_expires" valuePropName="checked">
            <Switch />
          </Form.Item>
          {!neverExpires && (
            <Form.Item label={t('Expires at')} name="expires_at" rules={[{ required: true, message: t('Required') }]}>
              <DatePicker showTime />
            </Form.Item>
          )}
        </Space>
        <Space wrap>
          <Form.Item label={t('Unlimited quota')} name="unlimited_quota" valuePropName="checked">
            <Switch />
          </Form.Item>
          {!unlimited && (
            <Form.Item label={status?.display_in_currency ? t('Quota ($)') : t('Quota')} name="quota" rules={[{ required: true, message: t('Required') }]}>
              <InputNumber min={0} style={{ width: 180 }} />
            </Form.Item>
          )}
        </Space>
        <Form.Item label={t('Models (empty = all)')} name="models">
          <Select mode="tags" options={(models.data ?? []).map((m) => ({ value: m, label: m }))} />
        </Form.Item>
        <Form.Item label={t('Allowed subnets')} name="subnet" extra={t('Comma-separated CIDRs, e.g. 192.168.0.0/24; empty = anywhere')}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function TokensPage() {
  const { t } = useTranslation();
  const status = useStatus();
  const run = useAction();
  const list = usePagedList('/api/token', '/api/token/search');
  const [editing, setEditing] = useState<Token | 'new' | null>(null);
  const [newKey, setNewKey] = useState('');

  const setStatus = (token: Token, next: number) =>
    run(() => api('put', '/api/token', { query: { status_only: 1 }, body: { id: token.id, status: next } }), t('Token {{name}} saved', { name: token.name }));

  return (
    <>
      <PageTitle extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>{t('Create token')}</Button>}>
        {t('Tokens')}
      </PageTitle>
      {newKey && (
        <Alert
          type="success"
          closable
          onClose={() => setNewKey('')}
          style={{ marginBottom: 16 }}
          title={t('New key (also listed below)')}
          description={
            <Space>
              <Typography.Text code data-testid="new-key">{newKey}</Typography.Text>
              <CopyButton text={newKey} label={t('Copy new key')} />
            </Space>
          }
        />
      )}
      <ListToolbar
        list={list}
        label={t('Search tokens')}
        placeholder={t('Search by name')}
        orders={[
          { value: 'remain_quota', label: t('Remaining quota') },
          { value: 'used_quota', label: t('Used quota') },
        ]}
      />
      <ListTable<Token>
        list={list}
        columns={[
          { title: t('Name'), dataIndex: 'name' },
          { title: t('Status'), dataIndex: 'status', render: (s: number) => <StatusTag status={s} names={tokenStatus} /> },
          { title: t('Used'), dataIndex: 'used_quota', render: (q: number) => formatQuota(q, status) },
          { title: t('Remaining'), key: 'remain', render: (_, r) => (r.unlimited_quota ? t('Unlimited') : formatQuota(r.remain_quota, status)) },
          { title: t('Created'), dataIndex: 'created_time', render: formatTime },
          { title: t('Expires'), dataIndex: 'expired_time', render: (e: number) => (e === -1 ? t('Never') : formatTime(e)) },
          {
            title: t('Key'),
            key: 'key',
            render: (_, r) => (
              <Space>
                <Typography.Text code>{`sk-${r.key.slice(0, 4)}…${r.key.slice(-4)}`}</Typography.Text>
                <CopyButton text={`sk-${r.key}`} label={t('Copy key of {{name}}', { name: r.name })} />
              </Space>
            ),
          },
          {
            title: t('Actions'),
            key: 'actions',
            render: (_, r) => (
              <Space wrap>
                <Dropdown menu={{ items: chatClients(`sk-${r.key}`, status).map((c) => ({ key: c.key, label: <a href={c.url} target="_blank" rel="noreferrer">{c.label}</a> })) }}>
                  <Button size="small">{t('Chat')}</Button>
                </Dropdown>
                {r.status === 1 ? (
                  <Button size="small" onClick={() => void setStatus(r, 2)} aria-label={t('Disable {{name}}', { name: r.name })}>{t('Disable')}</Button>
                ) : (
                  <Button size="small" onClick={() => void setStatus(r, 1)} aria-label={t('Enable {{name}}', { name: r.name })}>{t('Enable')}</Button>
                )}
                <Button size="small" onClick={() => setEditing(r)} aria-label={t('Edit {{name}}', { name: r.name })}>{t('Edit')}</Button>
                <Popconfirm title={t('Delete {{name}}?', { name: r.name })} onConfirm={() => run(() => api('delete', '/api/token/{id}', { path: { id: r.id } }), t('Deleted'))} okText={t('Delete')}>
                  <Button size="small" danger aria-label={t('Delete {{name}}', { name: r.name })}>{t('Delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {editing && (
        <TokenEditor
          token={editing}
          onClose={(created) => {
            setEditing(null);
            if (created?.key) setNewKey(`sk-${created.key}`);
          }}
        />
      )}
    </>
  );
}
