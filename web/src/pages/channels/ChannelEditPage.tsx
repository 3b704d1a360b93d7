import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Input, InputNumber, Select, Space, Spin } from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, apiRaw } from '../../api/client';
import { PageTitle, splitList, useAction } from '../../components/common';
import type { ChannelField } from '../../api/types';
import { useChannelTypes } from './channelTypes';

interface ChannelForm {
  type: number;
  name: string;
  base_url?: string;
  key?: string;
  other?: string;
  group: string[];
  models: string[];
  model_mapping?: string;
  system_prompt?: string;
  priority?: number;
  weight?: number;
  config: Record<string, string>;
}

const jsonObject = (message: string) => ({
  validator: (_: unknown, value?: string) => {
    if (!value?.trim()) return Promise.resolve();
    try {
      const parsed = JSON.parse(value);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return Promise.resolve();
    } catch {
      // reported below
    }
    return Promise.reject(new Error(message));
  },
});

/** Where a catalogue field lives in the form: a key of `config`, or the legacy `other` column. */
const fieldName = (field: ChannelField) => (field.store === 'other' ? 'other' : ['config', field.name]);

function parseConfig(json: string): Record<string, string> {
  try {
    return JSON.parse(json || '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

/** one-api's channel form: create (one channel per key line) or edit, with the fields the chosen type needs. */
export default function ChannelEditPage() {
  const { id } = useParams();
  const editing = id !== undefined;
  const { t } = useTranslation();
  const navigate = useNavigate();
  const run = useAction();
  const [form] = Form.useForm<ChannelForm>();
  const { types } = useChannelTypes();
  const type = Form.useWatch('type', form) ?? 1;
  const channel = useQuery({ queryKey: ['channel', id], queryFn: () => api('get', '/api/channel/{id}', { path: { id: id! } }), enabled: editing });
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => api('get', '/api/group') });
  const byType = useQuery({ queryKey: ['models-by-type'], queryFn: () => api('get', '/api/models') });
  const allModels = useQuery({
    queryKey: ['all-models'],
    queryFn: async () => (await apiRaw('/api/channel/models')).data.map((m) => m.id),
  });

  useEffect(() => {
    const c = channel.data;
    if (!c) return;
    form.setFieldsValue({
      type: c.type,
      name: c.name,
      base_url: c.base_url ?? '',
      other: c.other ?? '',
      group: splitList(c.group),
      models: splitList(c.models),
      model_mapping: c.model_mapping ?? '',
      system_prompt: c.system_prompt ?? '',
      priority: c.priority ?? 0,
      weight: c.weight ?? 0,
      config: parseConfig(c.config),
    });
  }, [channel.data, form]);

  async function save(values: ChannelForm) {
    const usesOther = fields.some((field) => field.store === 'other');
    const config = Object.fromEntries(Object.entries(values.config ?? {}).filter(([, v]) => v));
    const body = {
      type: values.type,
      name: values.name,
      base_url: values.base_url ?? '',
      group: values.group.join(','),
      models: values.models.join(','),
      model_mapping: values.model_mapping ?? '',
      system_prompt: values.system_prompt ?? '',
      priority: values.priority ?? 0,
      weight: values.weight ?? 0,
      config: JSON.stringify(config),
      ...(usesOther ? { other: values.other ?? '' } : {}),
      ...(values.key ? { key: values.key.trim() } : {}),
    };
    const done = await run(
      () => (editing ? api('put', '/api/channel', { body: { ...body, id: Number(id) } }) : api('post', '/api/channel', { body })),
      editing ? t('Channel {{name}} saved', { name: values.name }) : t('Channel {{name}} created', { name: values.name }),
    );
    if (done !== undefined) navigate('/channel');
  }

  const fill = (models: string[]) => form.setFieldValue('models', [...new Set([...(form.getFieldValue('models') ?? []), ...models])]);
  const chosen = types.find((x) => x.id === type);
  const defaultUrl = chosen?.default_base_url;
  const fields = chosen?.fields ?? [];
  const title = editing ? t('Edit channel') : t('Add channel');
  if (editing && channel.isPending) return <Spin />;

  return (
    <>
      <PageTitle>{title}</PageTitle>
      <Card>
        <Form<ChannelForm>
          form={form}
          name="channel"
          layout="vertical"
          aria-label={title}
          onFinish={save}
          initialValues={{ type: 1, group: ['default'], models: [], priority: 0, weight: 0, config: {} }}
          style={{ maxWidth: 760 }}
        >
          <Form.Item label={t('Type')} name="type" rules={[{ required: true }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={types.filter((x) => x.relayed !== false).map((x) => ({ value: x.id, label: x.name }))} />
          </Form.Item>
          <Form.Item label={t('Name')} name="name" rules={[{ required: true, message: t('Required') }]}>
            <Input />
          </Form.Item>
          <Form.Item label={t('Base URL')} name="base_url" extra={defaultUrl ? t('Empty = {{url}}', { url: defaultUrl }) : chosen?.regional_url ? t('Empty = the region\'s endpoint') : t('Required for this type')}>
            <Input placeholder={defaultUrl} />
          </Form.Item>
          {fields.map((field) => (
            <Form.Item key={field.name} label={t(field.label)} name={fieldName(field)} rules={[{ required: field.required, message: t('Required') }]}>
              {field.multiline ? <Input.TextArea rows={4} placeholder={field.placeholder} /> : field.secret ? <Input.Password placeholder={field.placeholder} /> : <Input placeholder={field.placeholder} />}
            </Form.Item>
          ))}
          <Form.Item
            label={t('Key')}
            name="key"
            extra={editing ? t('Leave empty to keep the current key') : t('One key per line creates one channel per key')}
            rules={[{ required: !editing && !chosen?.key_optional, message: t('Required') }]}
          >
            <Input.TextArea rows={editing ? 1 : 3} autoComplete="off" placeholder={chosen ? t(chosen.key_format) : undefined} />
          </Form.Item>
          <Form.Item label={t('Groups')} name="group" rules={[{ required: true, message: t('Required') }]}>
            <Select mode="tags" options={(groups.data ?? []).map((g) => ({ value: g, label: g }))} />
          </Form.Item>
          <Form.Item label={t('Models')} required>
            <Form.Item name="models" noStyle rules={[{ required: true, message: t('Required') }]}>
              <Select mode="tags" aria-label={t('Models')} tokenSeparators={[',']} options={(allModels.data ?? []).map((m) => ({ value: m, label: m }))} />
            </Form.Item>
            <Space wrap style={{ marginTop: 8 }}>
              <Button size="small" onClick={() => fill(byType.data?.[String(type)] ?? [])}>{t('Fill related models')}</Button>
              <Button size="small" onClick={() => fill(allModels.data ?? [])}>{t('Fill all models')}</Button>
              <Button size="small" onClick={() => form.setFieldValue('models', [])}>{t('Clear')}</Button>
            </Space>
          </Form.Item>
          <Form.Item label={t('Model mapping (JSON)')} name="model_mapping" rules={[jsonObject(t('A JSON object, e.g. {"gpt-3.5-turbo": "gpt-35-turbo"}'))]}>
            <Input.TextArea rows={3} placeholder='{"gpt-3.5-turbo": "gpt-35-turbo"}' />
          </Form.Item>
          <Form.Item label={t('System prompt')} name="system_prompt" extra={t('Replaces the system message of every request through this channel')}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Space wrap>
            <Form.Item label={t('Priority')} name="priority">
              <InputNumber />
            </Form.Item>
            <Form.Item label={t('Weight')} name="weight">
              <InputNumber min={0} />
            </Form.Item>
          </Space>
          <Space>
            <Button type="primary" htmlType="submit">{t('Save')}</Button>
            <Button onClick={() => navigate('/channel')}>{t('Cancel')}</Button>
          </Space>
        </Form>
      </Card>
    </>
  );
}
