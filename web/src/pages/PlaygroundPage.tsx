import { useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Collapse, Empty, Flex, Input, Select, Space, Typography } from 'antd';
import { SendOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { PageTitle } from '../components/common';

interface Turn {
  role: 'user' | 'assistant';
  content: string;
  reasoning?: string;
}

interface ChunkDelta {
  content?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
}

/** Reads an OpenAI chat stream (SSE) and reports each delta; reasoning models send their thinking in a separate field. */
async function streamChat(key: string, body: unknown, signal: AbortSignal, onDelta: (delta: ChunkDelta) => void) {
  const response = await fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok || !response.body) {
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {
      // not JSON
    }
    throw new Error(message || `HTTP ${response.status}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const events = buffer.split(/\r?\n\r?\n/);
    buffer = events.pop() ?? '';
    for (const event of events) {
      for (const line of event.split(/\r?\n/)) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') return;
        const chunk = JSON.parse(data) as { choices?: { delta?: ChunkDelta }[] };
        const delta = chunk.choices?.[0]?.delta;
        if (delta) onDelta(delta);
      }
    }
  }
}

function Bubble({ turn }: { turn: Turn }) {
  const { t } = useTranslation();
  const mine = turn.role === 'user';
  return (
    <Flex justify={mine ? 'flex-end' : 'flex-start'}>
      <Card size="small" style={{ maxWidth: '85%', whiteSpace: 'pre-wrap' }} role="article" aria-label={mine ? t('You') : t('Assistant')}>
        {turn.reasoning && (
          <Collapse
            size="small"
            ghost
            defaultActiveKey={['r']}
            items={[{ key: 'r', label: t('Reasoning'), children: <Typography.Text type="secondary" data-testid="reasoning">{turn.reasoning}</Typography.Text> }]}
          />
        )}
        <span data-testid={mine ? undefined : 'answer'}>{turn.content}</span>
      </Card>
    </Flex>
  );
}

/** Chat with any model the user may call, through one of their own tokens, streamed. */
export default function PlaygroundPage() {
  const { t } = useTranslation();
  const tokens = useQuery({ queryKey: ['/api/token', 'playground'], queryFn: () => api('get', '/api/token', { query: { p: 0 } }) });
  const models = useQuery({ queryKey: ['available-models'], queryFn: () => api('get', '/api/user/available_models') });
  const [tokenId, setTokenId] = useState<number>();
  const [model, setModel] = useState<string>();
  const [system, setSystem] = useState('');
  const [input, setInput] = useState('');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [error, setError] = useState('');
  const abort = useRef<AbortController | null>(null);
  const [streaming, setStreaming] = useState(false);
  const usable = (tokens.data ?? []).filter((tk) => tk.status === 1);
  const token = usable.find((tk) => tk.id === tokenId) ?? usable[0];
  const chosenModel = model ?? models.data?.[0];

  async function send() {
    if (!token || !chosenModel || !input.trim()) return;
    const history: Turn[] = [...turns, { role: 'user', content: input.trim() }];
    setTurns([...history, { role: 'assistant', content: '' }]);
    setInput('');
    setError('');
    const controller = new AbortController();
    abort.current = controller;
    setStreaming(true);
    const messages = [...(system.trim() ? [{ role: 'system', content: system.trim() }] : []), ...history.map(({ role, content }) => ({ role, content }))];
    try {
      await streamChat(`sk-${token.key}`, { model: chosenModel, messages, stream: true }, controller.signal, (delta) =>
        setTurns((all) => {
          const last = all[all.length - 1];
          const next = {
            ...last,
            content: last.content + (delta.content ?? ''),
            reasoning: (last.reasoning ?? '') + (delta.reasoning_content ?? delta.reasoning ?? '') || undefined,
          };
          return [...all.slice(0, -1), next];
        }),
      );
    } catch (e) {
      if ((e as Error).name !== 'AbortError') setError((e as Error).message);
    } finally {
      abort.current = null;
      setStreaming(false);
    }
  }

  return (
    <>
      <PageTitle>{t('Playground')}</PageTitle>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('Token')}
          style={{ width: 200 }}
          placeholder={t('Token')}
          value={token?.id}
          onChange={setTokenId}
          options={usable.map((tk) => ({ value: tk.id, label: tk.name }))}
        />
        <Select
          aria-label={t('Model')}
          style={{ width: 240 }}
          showSearch
          placeholder={t('Model')}
          value={chosenModel}
          onChange={setModel}
          options={(models.data ?? []).map((m) => ({ value: m, label: m }))}
        />
        <Button onClick={() => setTurns([])}>{t('New chat')}</Button>
      </Space>
      {tokens.data && usable.length === 0 && <Alert type="info" title={t('Create an enabled token first (Tokens page).')} style={{ marginBottom: 12 }} />}
      <Input.TextArea aria-label={t('System prompt')} placeholder={t('System prompt (optional)')} autoSize={{ minRows: 1, maxRows: 4 }} value={system} onChange={(e) => setSystem(e.target.value)} style={{ marginBottom: 12 }} />
      <Card style={{ minHeight: 300, marginBottom: 12 }}>
        {turns.length === 0 ? <Empty description={t('Say something to start')} /> : <Flex vertical gap={8}>{turns.map((turn, i) => <Bubble key={i} turn={turn} />)}</Flex>}
      </Card>
      {error && <Alert type="error" role="alert" title={error} style={{ marginBottom: 12 }} />}
      <Space.Compact style={{ width: '100%' }}>
        <Input.TextArea
          aria-label={t('Message')}
          placeholder={t('Message (Enter to send, Shift+Enter for a new line)')}
          autoSize={{ minRows: 1, maxRows: 6 }}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          onPressEnter={(e) => {
            if (!e.shiftKey) {
              e.preventDefault();
              void send();
            }
          }}
        />
        {streaming ? (
          <Button icon={<StopOutlined />} onClick={() => abort.current?.abort()}>{t('Stop')}</Button>
        ) : (
          <Button type="primary" icon={<SendOutlined />} onClick={() => void send()} disabled={!token || !chosenModel}>{t('Send')}</Button>
        )}
      </Space.Compact>
    </>
  );
}
