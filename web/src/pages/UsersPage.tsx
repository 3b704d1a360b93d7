import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { formatNumber, formatQuota, quotaFromInput, quotaToInput } from '../api/format';
import { Roles, type User } from '../api/types';
import { ListTable, ListToolbar, PageTitle, StatusTag, useAction, usePagedList } from '../components/common';
import { useSession, useStatus } from '../session';

const userStatus = { 1: 'Enabled', 2: 'Disabled' };

function roleTag(role: number, t: (s: string) => string) {
  if (role >= Roles.Root) return <Tag color="red">{t('Root')}</Tag>;
  if (role >= Roles.Admin) return <Tag color="gold">{t('Admin')}</Tag>;
  return <Tag>{t('User')}</Tag>;
}

interface UserForm {
  username: string;
  display_name: string;
  password?: string;
  group?: string;
  quota?: number;
}

function UserEditor({ user, onClose }: { user: User | 'new'; onClose: () => void }) {
  const { t } = useTranslation();
  const status = useStatus();
  const run = useAction();
  const [form] = Form.useForm<UserForm>();
  const editing = user !== 'new';
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => api('get', '/api/group'), enabled: editing });
  const title = editing ? t('Edit user {{name}}', { name: user.username }) : t('Create user');

  async function save(values: UserForm) {
    const done = editing
      ? await run(
          () => api('put', '/api/user', { body: { ...values, id: user.id, quota: quotaFromInput(values.quota ?? 0, status), password: values.password ?? '' } }),
          t('User {{name}} saved', { name: values.username }),
        )
      : await run(() => api('post', '/api/user', { body: { username: values.username, display_name: values.display_name, password: values.password } }), t('User {{name}} created', { name: values.username }));
    if (done !== undefined) onClose();
  }

  return (
    <Modal open title={title} onCancel={onClose} onOk={() => form.submit()} okText={t('Save')}>
      <Form
        form={form}
        name="user"
        layout="vertical"
        aria-label={title}
        onFinish={save}
        initialValues={editing ? { username: user.username, display_name: user.display_name, group: user.group, quota: quotaToInput(user.quota, status) } : {}}
      >
        <Form.Item label={t('Username')} name="username" rules={[{ required: true, max: 12, message: t('1 to 12 characters') }]}>
          <Input />
        </Form.Item>
        <Form.Item label={t('Display name')} name="display_name" rules={[{ max: 20 }]}>
          <Input />
        </Form.Item>
        <Form.Item
          label={t('Password')}
          name="password"
          extra={editing ? t('Leave empty to keep the current password') : undefined}
          rules={[{ required: !editing, min: 8, max: 20, message: t('8 to 20 characters') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        {editing && (
          <>
            <Form.Item label={t('Group')} name="group">
              <Select options={(groups.data ?? []).map((g) => ({ value: g, label: g }))} />
            </Form.Item>
            <Form.Item label={status?.display_in_currency ? t('Quota ($)') : t('Quota')} name="quota">
              <InputNumber min={0} style={{ width: 220 }} />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}

export default function UsersPage() {
  const { t } = useTranslation();
  const { user: me } = useSession();
  const status = useStatus();
  const run = useAction();
  const list = usePagedList('/api/user', '/api/user/search');
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const manage = (u: User, action: string) =>
    run(() => api('post', '/api/user/manage', { body: { username: u.username, action } }), t('User {{name}} saved', { name: u.username }));

  return (
    <>
      <PageTitle extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>{t('Create user')}</Button>}>
        {t('Users')}
      </PageTitle>
      <ListToolbar
        list={list}
        label={t('Search users')}
        placeholder={t('Search by name or email')}
        orders={[
          { value: 'quota', label: t('Remaining quota') },
          { value: 'used_quota', label: t('Used quota') },
          { value: 'request_count', label: t('Requests') },
        ]}
      />
      <ListTable<User>
        list={list}
        columns={[
          { title: 'ID', dataIndex: 'id' },
          { title: t('Username'), dataIndex: 'username' },
          { title: t('Display name'), dataIndex: 'display_name' },
          { title: t('Group'), dataIndex: 'group' },
          { title: t('Role'), dataIndex: 'role', render: (r: number) => roleTag(r, t) },
          { title: t('Status'), dataIndex: 'status', render: (s: number) => <StatusTag status={s} names={userStatus} /> },
          { title: t('Remaining'), dataIndex: 'quota', render: (q: number) => formatQuota(q, status) },
          { title: t('Used'), dataIndex: 'used_quota', render: (q: number) => formatQuota(q, status) },
          { title: t('Requests'), dataIndex: 'request_count', render: formatNumber },
          {
            title: t('Actions'),
            key: 'actions',
            render: (_, u) =>
              u.role >= (me?.role ?? 0) && me?.role !== Roles.Root ? null : (
                <Space wrap>
                  {me?.role === Roles.Root && u.role < Roles.Admin && (
                    <Button size="small" onClick={() => void manage(u, 'promote')} aria-label={t('Promote {{name}}', { name: u.username })}>{t('Promote')}</Button>
                  )}
                  {me?.role === Roles.Root && u.role === Roles.Admin && (
                    <Button size="small" onClick={() => void manage(u, 'demote')} aria-label={t('Demote {{name}}', { name: u.username })}>{t('Demote')}</Button>
                  )}
                  {u.role < Roles.Root && (u.status === 1 ? (
                    <Button size="small" onClick={() => void manage(u, 'disable')} aria-label={t('Disable {{name}}', { name: u.username })}>{t('Disable')}</Button>
                  ) : (
                    <Button size="small" onClick={() => void manage(u, 'enable')} aria-label={t('Enable {{name}}', { name: u.username })}>{t('Enable')}</Button>
                  ))}
                  <Button size="small" onClick={() => setEditing(u)} aria-label={t('Edit {{name}}', { name: u.username })}>{t('Edit')}</Button>
                  {u.role < Roles.Root && (
                    <Popconfirm title={t('Delete {{name}}?', { name: u.username })} onConfirm={() => manage(u, 'delete')} okText={t('Delete')}>
                      <Button size="small" danger aria-label={t('Delete {{name}}', { name: u.username })}>{t('Delete')}</Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
          },
        ]}
      />
      {editing && <UserEditor user={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
