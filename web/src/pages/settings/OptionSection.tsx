import { useEffect } from 'react';
import { Button, Card, Col, Form, Input, InputNumber, Row, Switch } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useAction } from '../../components/common';

export type OptionKind = 'bool' | 'text' | 'number' | 'json' | 'long' | 'secret';

export interface OptionField {
  key: string;
  label: string;
  kind: OptionKind;
  help?: string;
}

const isJsonObject = (value: string) => {
  try {
    const parsed = JSON.parse(value);
    return !!parsed && typeof parsed === 'object' && !Array.isArray(parsed);
  } catch {
    return false;
  }
};

function input(kind: OptionKind) {
  switch (kind) {
    case 'bool':
      return <Switch />;
    case 'number':
      return <InputNumber style={{ width: '100%' }} />;
    case 'json':
      return <Input.TextArea rows={6} style={{ fontFamily: 'monospace' }} />;
    case 'long':
      return <Input.TextArea rows={4} />;
    case 'secret':
      return <Input.Password autoComplete="off" />;
    default:
      return <Input />;
  }
}

/**
 * A card of runtime options (root's `PUT /api/option/`, one key at a time). Only changed keys are sent; secrets are
 * never read back, so an empty secret box leaves the stored one alone.
 */
export default function OptionSection({ title, fields, values }: { title: string; fields: OptionField[]; values: Record<string, string> }) {
  const { t } = useTranslation();
  const run = useAction();
  const client = useQueryClient();
  const [form] = Form.useForm<Record<string, string | number | boolean>>();
  const initial = Object.fromEntries(
    fields.map((f) => {
      const v = values[f.key] ?? '';
      return [f.key, f.kind === 'bool' ? v === 'true' : f.kind === 'number' ? Number(v || 0) : f.kind === 'secret' ? '' : v];
    }),
  );
  // the list is reloaded after a save: show what is stored now
  useEffect(() => form.setFieldsValue(initial), [values]);

  async function save(changed: Record<string, string | number | boolean>) {
    const updates = fields
      .map((f) => ({ key: f.key, kind: f.kind, value: changed[f.key] }))
      .filter(({ key, kind, value }) => (kind === 'secret' ? !!value : value !== initial[key]));
    await run(async () => {
      for (const { key, value } of updates) await api('put', '/api/option', { body: { key, value: String(value ?? '') } });
      await client.invalidateQueries({ queryKey: ['status'] });
    }, t('{{section}} saved', { section: title }));
  }

  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{title}</h2>} style={{ marginBottom: 16 }}>
      <Form form={form} name={title} layout="vertical" initialValues={initial} onFinish={save} aria-label={title}>
        <Row gutter={16}>
          {fields.map((f) => (
            <Col key={f.key} xs={24} md={f.kind === 'json' || f.kind === 'long' ? 24 : 12}>
              <Form.Item
                label={t(f.label)}
                name={f.key}
                extra={f.help ? t(f.help) : undefined}
                valuePropName={f.kind === 'bool' ? 'checked' : 'value'}
                rules={f.kind === 'json' ? [{ validator: (_, v: string) => (!v || isJsonObject(v) ? Promise.resolve() : Promise.reject(new Error(t('Not a JSON object')))) }] : []}
              >
                {input(f.kind)}
              </Form.Item>
            </Col>
          ))}
        </Row>
        <Button type="primary" htmlType="submit" aria-label={t('Save {{section}}', { section: title })}>{t('Save')}</Button>
      </Form>
    </Card>
  );
}
