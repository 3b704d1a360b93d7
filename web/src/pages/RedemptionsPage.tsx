import { useState } from 'react';
import { Button, Form, Input, InputNumber, List, Modal, Popconfirm, Space, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { formatQuota, formatTime, quotaFromInput, quotaToInput } from '../api/format';
import type { Redemption } from '../api/types';
import { CopyButton, ListTable, ListToolbar, PageTitle, StatusTag, useAction, usePagedList } from '../components/common';
import { useStatus } from '../session';

const redemptionStatus = { 1: 'Unused', 2: 'Disabled', 3: 'Used' };

interface RedemptionForm {
  name: string;
  count: number;
  quota: number;
}

function RedemptionEditor({ redemption, onClose }: { redemption: Redemption | 'new'; onClose: (keys?: string[]) => void }) {
  const { t } = useTranslation();
  const status = useStatus();
  const run = useAction();
  const [form] = Form.useForm<RedemptionForm>();
  const editing = redemption !== 'new';

  async function save(values: RedemptionForm) {
    const quota = quotaFromInput(values.quota, status);
    if (editing) {
      const saved = await run(() => api('put', '/api/redemption', { body: { id: redemption.id, name: values.name, quota } }), t('Saved'));
      if (saved !== undefined) onClose();
    } else {
      const keys = await run(() => api('post', '/api/redemption', { body: { name: values.name, count: values.count, quota } }), t('Codes created'));
      if (keys) onClose(keys);
    }
  }

  return (
    <Modal open title={editing ? t('Edit redemption code') : t('Create redemption codes')} onCancel={() => onClose()} onOk={() => form.submit()} okText={t('Save')}>
      <Form
        form={form}
        name="redemption"
        layout="vertical"
        onFinish={save}
        initialValues={editing ? { name: redemption.name, quota: quotaToInput(redemption.quota, status), count: 1 } : { name: '', count: 1, quota: quotaToInput(500000, status) }}
      >
        <Form.Item label={t('Name')} name="name" rules={[{ required: true, max: 20, message: t('1 to 20 characters') }]}>
          <Input />
        </Form.Item>
        <Form.Item label={status?.display_in_currency ? t('Quota ($)') : t('Quota')} name="quota" rules={[{ required: true, message: t('Required') }]}>
          <InputNumber min={0} style={{ width: 200 }} />
        </Form.Item>
        {!editing && (
          <Form.Item label={t('Count')} name="count" rules={[{ required: true, message: t('Required') }]}>
            <InputNumber min={1} max={100} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

export default function RedemptionsPage() {
  const { t } = useTranslation();
  const status = useStatus();
  const run = useAction();
  const list = usePagedList('/api/redemption', '/api/redemption/search');
  const [editing, setEditing] = useState<Redemption | 'new' | null>(null);
  const [created, setCreated] = useState<string[]>([]);
  const setStatus = (r: Redemption, next: number) =>
    run(() => api('put', '/api/redemption', { query: { status_only: 1 }, body: { id: r.id, status: next } }), t('Saved'));

  return (
    <>
      <PageTitle extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>{t('Create redemption codes')}</Button>}>
        {t('Redemptions')}
      </PageTitle>
      <ListToolbar list={list} label={t('Search redemptions')} placeholder={t('Search by name or ID')} />
      <ListTable<Redemption>
        list={list}
        columns={[
          { title: 'ID', dataIndex: 'id' },
          { title: t('Name'), dataIndex: 'name' },
          { title: t('Status'), dataIndex: 'status', render: (s: number) => <StatusTag status={s} names={redemptionStatus} /> },
          { title: t('Quota'), dataIndex: 'quota', render: (q: number) => formatQuota(q, status) },
          { title: t('Created'), dataIndex: 'created_time', render: formatTime },
          { title: t('Redeemed'), dataIndex: 'redeemed_time', render: formatTime },
          {
            title: t('Actions'),
            key: 'actions',
            render: (_, r) => (
              <Space wrap>
                <CopyButton text={r.key} label={t('Copy code {{name}}', { name: r.name })} />
                {r.status === 1 && <Button size="small" onClick={() => void setStatus(r, 2)}>{t('Disable')}</Button>}
                {r.status === 2 && <Button size="small" onClick={() => void setStatus(r, 1)}>{t('Enable')}</Button>}
                <Button size="small" disabled={r.status === 3} onClick={() => setEditing(r)}>{t('Edit')}</Button>
                <Popconfirm title={t('Delete {{name}}?', { name: r.name })} onConfirm={() => run(() => api('delete', '/api/redemption/{id}', { path: { id: r.id } }), t('Deleted'))} okText={t('Delete')}>
                  <Button size="small" danger>{t('Delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {editing && (
        <RedemptionEditor
          redemption={editing}
          onClose={(keys) => {
            setEditing(null);
            if (keys) setCreated(keys);
          }}
        />
      )}
      <Modal open={created.length > 0} title={t('New codes')} onCancel={() => setCreated([])} footer={<CopyButton text={created.join('\n')} label={t('Copy all codes')} />}>
        <List size="small" dataSource={created} renderItem={(k) => <List.Item><Typography.Text code data-testid="new-code">{k}</Typography.Text></List.Item>} />
      </Modal>
    </>
  );
}
