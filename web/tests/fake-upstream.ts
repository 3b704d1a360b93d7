import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const fakeAnswer = 'Hello from the fake upstream.';
export const fakeReasoning = 'The user greets me; I greet back.';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Streams a reasoning model's answer: the thinking first (reasoning_content), then the text in pieces, then usage. */
async function stream(response: http.ServerResponse, model: string) {
  response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  const chunk = (delta: object, extra: object = {}) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
  response.write(chunk({ role: 'assistant', reasoning_content: fakeReasoning }));
  for (const piece of ['Hello ', 'from the ', 'fake upstream.']) {
    await sleep(50);
    response.write(chunk({ content: piece }));
  }
  response.write(chunk({}, { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 } }));
  response.end('data: [DONE]\n\n');
}

/** A tiny OpenAI stand-in on loopback: every POST gets the same chat completion, with usage; streamed when asked. */
export async function startFakeUpstream(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      let parsed: { model?: string; stream?: boolean } = {};
      try {
        parsed = JSON.parse(body);
      } catch {
        // not JSON: answer anyway
      }
      const model = parsed.model ?? 'gpt-4o-mini';
      if (parsed.stream) return void stream(response, model);
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: fakeAnswer }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
