#!/usr/bin/env node
// Writes a chat-completion request body to stdout.
//
//   node body.js small [stream]     the short chat of ../shared/bench/chat.lua (so figures stay comparable)
//   node body.js 150 [stream]       messages holding about 150 KB of prompt text
//
// The long bodies look like a coding agent's context: a system prompt, then turns whose user messages carry
// source files and prose, and a last question. The text is varied (seeded, so every run sends the same bytes)
// because a tokenizer's cost depends on what it reads: one repeated character would flatter it.
'use strict';

const [size, streamArg] = process.argv.slice(2);
if (!size) { console.error('usage: node body.js small|<KB> [stream]'); process.exit(2); }
const stream = streamArg === 'stream';
const streamFields = stream ? { stream: true, stream_options: { include_usage: true } } : {};

if (size === 'small') {
  process.stdout.write(JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [{ role: 'system', content: 'You are a helpful assistant.' },
               { role: 'user', content: 'Say hello in one short sentence.' }],
    max_tokens: 32, ...streamFields,
  }));
  process.exit(0);
}

const targetBytes = Math.round(Number(size) * 1024);
if (!(targetBytes > 0)) { console.error(`not a size in KB: ${size}`); process.exit(2); }

let seed = 0x13;   // mulberry32: tiny and deterministic
const random = () => {
  seed = (seed + 0x6D2B79F5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = list => list[Math.floor(random() * list.length)];

const words = ('the a of to and in is for that with on as be by this it from are at or an which not can when each ' +
  'request response channel token quota model stream upstream gateway user key price log error retry limit usage ' +
  'prompt completion message content budget cache latency memory buffer socket reader writer header body field ' +
  'value count estimate settle reserve refund group priority weight balance timeout deadline schema migration ' +
  'invoice ledger tenant session policy route handler service provider adapter converter parser encoder ' +
  'should must may returns accepts keeps drops reads writes sends receives counts bills checks opens closes ' +
  'quickly safely exactly later first last every other same new old small large empty full valid unknown').split(' ');
const idents = ['request', 'response', 'channel', 'token', 'quota', 'usage', 'buffer', 'reader', 'writer', 'options',
  'context', 'result', 'payload', 'stream', 'chunk', 'logger', 'store', 'cache', 'limit', 'price'];
const types = ['int', 'long', 'string', 'bool', 'decimal', 'Task<int>', 'ValueTask', 'ReadOnlySpan<byte>', 'List<string>'];

function sentence() {
  const n = 6 + Math.floor(random() * 14);
  const w = Array.from({ length: n }, () => pick(words));
  w[0] = w[0][0].toUpperCase() + w[0].slice(1);
  return w.join(' ') + pick(['.', '.', '.', '?', ';']);
}
function paragraph() { return Array.from({ length: 3 + Math.floor(random() * 5) }, sentence).join(' '); }
function codeLine(indent) {
  const a = pick(idents), b = pick(idents), n = Math.floor(random() * 1000);
  switch (Math.floor(random() * 6)) {
    case 0: return `${indent}var ${a}${n} = await ${b}Service.Get${pick(idents)}Async(${a}, cancellationToken);`;
    case 1: return `${indent}if (${a}.${b}Count > ${n}) return Results.Problem("${pick(words)} ${pick(words)}", statusCode: 429);`;
    case 2: return `${indent}// ${sentence()}`;
    case 3: return `${indent}private static ${pick(types)} ${a[0].toUpperCase() + a.slice(1)}${n}(${pick(types)} ${b}) => ${b}.ToString().Length * ${n};`;
    case 4: return `${indent}logger.LogInformation("${pick(words)} {${a}} ${pick(words)} {${b}}", ${a}.Id, ${b}?.Name ?? "-");`;
    default: return `${indent}${a}.${b}[${n % 17}] += ${pick(idents)}.Sum(x => x.${pick(idents)}Tokens) / ${1 + n % 9}.0m;`;
  }
}
function sourceFile() {
  const name = `${pick(idents)}${Math.floor(random() * 100)}`;
  const lines = [`// file: src/${pick(idents)}/${name}.cs`, `public sealed class ${name[0].toUpperCase() + name.slice(1)}`, '{'];
  for (let i = 8 + Math.floor(random() * 30); i > 0; i--) lines.push(codeLine('    '));
  lines.push('}');
  return '```csharp\n' + lines.join('\n') + '\n```';
}
function contextBlock(bytes) {
  const parts = []; let length = 0;
  while (length < bytes) { const p = random() < 0.5 ? sourceFile() : paragraph(); parts.push(p); length += p.length + 2; }
  return parts.join('\n\n');
}

// Long contexts arrive as turns of about 16 KB, the last one trimmed so the prompt lands on the size asked.
const messages = [{ role: 'system', content: 'You are a coding agent. Read the files the user shares and answer precisely. ' + paragraph() }];
let promptBytes = messages[0].content.length;
const question = 'Given all the files above, which request paths count tokens before the upstream call, and why?';
while (promptBytes < targetBytes - question.length) {
  const turn = contextBlock(Math.min(16 * 1024, targetBytes - question.length - promptBytes));
  const content = turn.slice(0, targetBytes - question.length - promptBytes);
  messages.push({ role: 'user', content }, { role: 'assistant', content: 'Noted. ' + sentence() });
  promptBytes += content.length + messages[messages.length - 1].content.length;
}
messages.push({ role: 'user', content: question });
process.stdout.write(JSON.stringify({ model: 'gpt-4o-mini', messages, max_tokens: 256, ...streamFields }));
