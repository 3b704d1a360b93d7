#!/usr/bin/env node
// Time to the first byte of the response body, one request at a time over one kept-alive connection: what a
// streaming client waits before it can show anything. wrk only sees whole responses, so this fills that gap.
//
// env: URL (required), BODY_FILE (required), HEADERS ("Name: value" per line), SECONDS (default 5),
//      MIN_REQUESTS (default 50), WARMUP_REQUESTS (default 20, not counted)
// Prints one JSON line: {"n":…, "failed":…, "first_byte_us":{"p50":…,"p99":…}, "total_us":{"p50":…,"p99":…}}
// A request fails on a status other than 200, a socket error, or a stream body without "data: [DONE]".
'use strict';
const http = require('http');
const fs = require('fs');

const url = new URL(process.env.URL);
const body = fs.readFileSync(process.env.BODY_FILE);
const isStream = JSON.parse(body).stream === true;
const seconds = +(process.env.SECONDS || 5);
const minRequests = +(process.env.MIN_REQUESTS || 50);
const warmup = +(process.env.WARMUP_REQUESTS || 20);
const headers = { 'content-type': 'application/json', 'content-length': body.length };
for (const line of (process.env.HEADERS || '').split('\n')) {
  const i = line.indexOf(':');
  if (i > 0) headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function once() {
  return new Promise(resolve => {
    const start = process.hrtime.bigint();
    let firstByte = 0n, text = '';
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST',
      agent, headers }, res => {
      res.setEncoding('utf8');
      res.on('data', d => { if (!firstByte) firstByte = process.hrtime.bigint(); if (isStream) text += d; });
      res.on('end', () => {
        const ok = res.statusCode === 200 && (!isStream || text.includes('data: [DONE]'));
        resolve(ok ? { firstByte: Number(firstByte - start) / 1000, total: Number(process.hrtime.bigint() - start) / 1000 } : null);
      });
      res.on('error', () => resolve(null));
    });
    req.on('error', () => resolve(null));
    req.end(body);
  });
}

const percentile = (values, q) => {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
};

(async () => {
  for (let i = 0; i < warmup; i++) await once();
  const firstBytes = [], totals = []; let failed = 0;
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline || firstBytes.length + failed < minRequests) {
    const r = await once();
    if (!r) { failed++; if (failed > 100 && !firstBytes.length) break; continue; }
    firstBytes.push(r.firstByte); totals.push(r.total);
  }
  console.log(JSON.stringify({ n: firstBytes.length, failed,
    first_byte_us: { p50: percentile(firstBytes, 0.5), p99: percentile(firstBytes, 0.99) },
    total_us: { p50: percentile(totals, 0.5), p99: percentile(totals, 0.99) } }));
  agent.destroy();
})();
