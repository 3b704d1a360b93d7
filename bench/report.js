#!/usr/bin/env node
// Turns the measurements bench/run.sh wrote (results.jsonl, one JSON object a line) into the report: markdown
// tables of throughput, added latency, body size, long streams, and the checks of issue 13.
//   node bench/report.js /tmp/oneapi-bench-…/results.jsonl
'use strict';
const fs = require('fs');

const rows = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l));
const meta = rows.find(r => r.kind === 'meta') || {};
const of = kind => rows.filter(r => r.kind === kind);

const median = values => {
  if (!values.length) return undefined;
  const s = [...values].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sum = values => values.reduce((a, b) => a + b, 0);
const dash = '—';
const has = v => v !== undefined && v !== null && !Number.isNaN(v);
const int = v => has(v) ? Math.round(v).toLocaleString('en-US') : dash;
const ms = v => has(v) ? (v / 1000).toFixed(2) : dash;
const plusMs = v => has(v) ? (v >= 0 ? '+' : '') + (v / 1000).toFixed(2) : dash;
const times = v => has(v) && Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) + '×' : dash;
const mib = kb => has(kb) && kb > 0 ? Math.round(kb / 1024).toLocaleString('en-US') : dash;
const pair = (a, b) => `${a} / ${b}`;
const bodyName = b => b === 'small' ? 'small' : +b >= 1024 && +b % 1024 === 0 ? `${+b / 1024} MB` : `${b} KB`;
const modeName = m => m === 'stream' ? 'stream' : 'plain';
const table = (textColumns, head, lines) => [`| ${head.join(' | ')} |`, `|${head.map((_, i) => i < textColumns ? '---' : '--:').join('|')}|`,
  ...lines.map(l => `| ${l.join(' | ')} |`)].join('\n');

// One point (part, body, mode, connections: any when not given) of one target: medians over its runs, errors summed, peak memory.
function point(target, part, body, mode, conns) {
  const runs = of('wrk').filter(r => r.target === target && r.part === part && r.body === body && r.mode === mode
    && (conns === undefined || r.conns === conns));
  if (!runs.length) return undefined;
  const answered = runs.filter(r => r.reqs > 0);   // a run that completed no request has no latency
  return {
    rps: median(runs.map(r => r.rps || 0)), p50: median(answered.map(r => r.p50_us)), p99: median(answered.map(r => r.p99_us)),
    errors: sum(runs.map(r => (r.non2xx || 0) + (r.connect || 0) + (r.read || 0) + (r.write || 0) + (r.timeout || 0) + (r.failed || 0))),
    hwm: Math.max(...runs.map(r => r.hwm_kb || 0)), conns: runs[0].conns,
    // the target's own CPU time per answered request: what a request costs it, whatever the load side could send
    cpuUs: median(answered.filter(r => has(r.cpu_s)).map(r => r.cpu_s * 1e6 / r.reqs)),
  };
}
const ratio = (a, b) => a && b && b.rps > 0 ? a.rps / b.rps : undefined;
const points = [...new Map(of('wrk').filter(r => r.part !== 'c1')
  .map(r => [`${r.part}|${r.body}|${r.mode}|${r.conns}`, r])).values()];
// Idle memory is read from the first start of each target (the load phase when it ran).
const started = Object.fromEntries(of('start').reverse().map(r => [r.target, r]));

const out = [];
out.push(`## One API for .NET vs direct vs Portkey ${meta.portkey_version || ''}`.trimEnd(), '');
out.push(`Commit ${meta.commit}, ${meta.date}; ${meta.host}. Gateway (and Portkey, one at a time) alone on CPU ` +
  `${meta.gw_cpus}; wrk (1 thread), the mocks and the stream client on CPU ${meta.mock_cpus}; ${meta.db}, auth + quota + logs on. ` +
  `Medians of ${meta.runs} × ${meta.duration} s (1 connection: ${meta.c1_runs} × ${meta.c1_duration} s; ` +
  `1,500 connections: ${meta.conns1500_duration} s).`);
const idle = [started.gateway && `gateway ${mib(started.gateway.idle_rss_kb)} MiB (first answer after ${int(started.gateway.start_ms)} ms)`,
  started.portkey && `Portkey ${mib(started.portkey.idle_rss_kb)} MiB`].filter(Boolean);
out.push(`Idle RSS after start: ${idle.join(', ') || dash}.`, '');
for (const d of of('died')) {
  out.push(`**${d.target} exited${d.during ? ` during ${d.during}` : ''}**; the last lines of its log:`, '', '```', d.last_log, '```', '');
}

// ---- throughput
const order = { small: 0, big: 1, conns1500: 2 };
points.sort((a, b) => order[a.part] - order[b.part] || +(a.body === 'small' ? 0 : a.body) - +(b.body === 'small' ? 0 : b.body)
  || a.conns - b.conns || (a.mode === 'stream') - (b.mode === 'stream'));
if (points.length) {
  out.push('### Throughput', '');
  out.push(table(3, ['part', 'body', 'mode', 'conns', 'direct req/s', 'gateway req/s', 'Portkey req/s', 'gateway ÷ Portkey',
    'gateway ÷ direct', 'gateway p50 / p99 ms', 'Portkey p50 / p99 ms', 'CPU µs a request gateway / Portkey', 'errors gateway / Portkey',
    'peak RSS gateway / Portkey MiB'],
  points.map(({ part, body, mode, conns }) => {
    const [d, g, p] = ['direct', 'gateway', 'portkey'].map(t => point(t, part, body, mode, conns));
    return [part, bodyName(body), modeName(mode), int(conns), int(d?.rps), int(g?.rps), int(p?.rps), times(ratio(g, p)),
      times(ratio(g, d)), pair(ms(g?.p50), ms(g?.p99)), pair(ms(p?.p50), ms(p?.p99)), pair(int(g?.cpuUs), int(p?.cpuUs)),
      pair(g ? g.errors : dash, p ? p.errors : dash),
      pair(mib(g?.hwm), mib(p?.hwm))];
  })), '');
}

// ---- added latency at one connection
const c1 = [...new Map(of('wrk').filter(r => r.part === 'c1').map(r => [`${r.body}|${r.mode}`, r])).values()];
const firstByte = (target, body, mode) => of('first_byte').find(r => r.target === target && r.body === body && r.mode === mode);
const added = (x, d, key) => x && d ? x[key] - d[key] : undefined;
const addedFirstByte = (target, body, q) => {
  const x = firstByte(target, body, 'stream'), d = firstByte('direct', body, 'stream');
  return x?.n && d?.n ? x.first_byte_us[q] - d.first_byte_us[q] : undefined;
};
if (c1.length) {
  out.push('### Added latency at 1 connection (ms over calling the mock directly)', '');
  out.push(table(2, ['body', 'mode', 'direct p50 / p99', 'gateway added p50 / p99', 'Portkey added p50 / p99',
    'first byte direct p50 / p99', 'gateway first byte added p50 / p99', 'Portkey first byte added p50 / p99'],
  c1.map(({ body, mode }) => {
    const [d, g, p] = ['direct', 'gateway', 'portkey'].map(t => point(t, 'c1', body, mode, 1));
    const fd = mode === 'stream' ? firstByte('direct', body, mode) : undefined;
    const fb = t => mode === 'stream' ? pair(plusMs(addedFirstByte(t, body, 'p50')), plusMs(addedFirstByte(t, body, 'p99'))) : dash;
    return [bodyName(body), modeName(mode), pair(ms(d?.p50), ms(d?.p99)), pair(plusMs(added(g, d, 'p50')), plusMs(added(g, d, 'p99'))),
      pair(plusMs(added(p, d, 'p50')), plusMs(added(p, d, 'p99'))), fd?.n ? pair(ms(fd.first_byte_us.p50), ms(fd.first_byte_us.p99)) : dash,
      fb('gateway'), fb('portkey')];
  })), '');
}

// ---- what a larger body costs: at the same connections, the larger body's CPU time per request over the smaller one's,
// and the smaller body's req/s over the larger one's. Req/s also measure the load side: wrk and the mock share one CPU,
// and sending and answering 1 MB bodies keeps it busy, so the gateway's own CPU time is what the body costs it.
const big = [...new Set(of('wrk').filter(r => r.part === 'big').map(r => r.body))].sort((a, b) => +a - +b);
const bigConns = of('wrk').find(r => r.part === 'big')?.conns;
const sizes = (target, mode, small = big[0], large = big[big.length - 1]) =>
  [small, large].map(b => point(target, 'big', b, mode, bigConns));
const cpuCostOf = (...args) => {
  const [s, l] = sizes(...args);
  return s?.cpuUs > 0 && has(l?.cpuUs) ? l.cpuUs / s.cpuUs : undefined;
};
const rpsCostOf = (...args) => {
  const [s, l] = sizes(...args);
  return s && l && l.rps > 0 ? s.rps / l.rps : undefined;
};
if (big.length > 1) {
  const [s, l] = [bodyName(big[0]), bodyName(big[big.length - 1])];
  out.push(`### What a ${l} body costs against a ${s} one (${bigConns} connections)`, '');
  out.push(table(1, ['mode', `gateway CPU a request, ${l} ÷ ${s}`, `Portkey CPU a request, ${l} ÷ ${s}`,
    `gateway req/s, ${s} ÷ ${l}`, `Portkey req/s, ${s} ÷ ${l}`, `direct req/s, ${s} ÷ ${l}`], ['nonstream', 'stream']
    .filter(m => big.some(b => point('gateway', 'big', b, m, bigConns) || point('portkey', 'big', b, m, bigConns)))
    .map(m => [modeName(m), times(cpuCostOf('gateway', m)), times(cpuCostOf('portkey', m)), times(rpsCostOf('gateway', m)),
      times(rpsCostOf('portkey', m)), times(rpsCostOf('direct', m))])), '');
}

// ---- long streams
const streams = of('streams');
const resets = r => r.breakdown?.error ?? 0;
const refused = r => r.http_status?.['503'] ?? 0;
const otherStatus = r => Object.entries(r.http_status || {}).filter(([s]) => s !== '200' && s !== '503').map(([s, n]) => `${n}× ${s}`).join(', ') || '0';
const broken = r => r.breakdown ? r.breakdown.incomplete + r.breakdown.outOfOrder + r.breakdown.noDone + r.breakdown.timeout : undefined;
const afterStreams = Object.fromEntries(of('after_streams').map(r => [r.target, r.serving]));
if (streams.length) {
  out.push(`### Long streams (slow-upstream: ${meta.slow_chunks} chunks × ${meta.slow_interval_ms} ms each)`, '');
  out.push(table(1, ['target', 'streams', 'starts over', 'intact', 'refused 503', 'other status', 'resets / socket errors',
    'broken or timed out', 'first byte p50 / p99 ms', 'worst chunk gap p50 / p99 ms', 'total p99 s', 'RSS idle → peak MiB', 'alive after'],
  streams.map(s => {
    const r = s.result, g = r.gateway;
    return [s.target, int(s.n), s.ramp_ms ? `${int(s.ramp_ms)} ms` : 'at once', r.client_failed ? 'client failed' : int(r.intact),
      int(refused(r)), otherStatus(r), int(resets(r)), int(broken(r)), pair(int(r.ttfb_ms?.p50), int(r.ttfb_ms?.p99)),
      pair(int(r.max_chunk_gap_ms?.p50), int(r.max_chunk_gap_ms?.p99)), has(r.total_ms?.p99) ? (r.total_ms.p99 / 1000).toFixed(1) : dash,
      g ? `${Math.round(g.idle_rss_mb)} → ${Math.round(Math.max(g.peak_rss_sampled_mb, g.vmhwm_mb))}` : dash, s.alive ? 'yes' : '**no**'];
  })), '');
  for (const [target, serving] of Object.entries(afterStreams)) out.push(`Serving after the streams (${target}): ${serving ? 'yes' : '**no**'}.`);
  out.push('');
}

// ---- the targets of issue 13
const checks = [];
const check = (what, value, ok) => { if (has(value) && value !== dash) checks.push(`| ${what} | ${value} | ${ok ? 'yes' : '**no**'} |`); };
for (const m of ['nonstream', 'stream']) {
  const r = ratio(point('gateway', 'small', 'small', m), point('portkey', 'small', 'small', m));
  check(`small, ${modeName(m)}: gateway ÷ Portkey ≥ 10×`, has(r) ? times(r) : undefined, r >= 10);
}
for (const m of ['nonstream', 'stream']) {
  const [d, g] = ['direct', 'gateway'].map(t => point(t, 'c1', 'small', m, 1));
  const a50 = added(g, d, 'p50'), a99 = added(g, d, 'p99');
  check(`small, ${modeName(m)}, 1 conn: added p50 ≤ 0.3 ms`, has(a50) ? plusMs(a50) + ' ms' : undefined, a50 <= 300);
  check(`small, ${modeName(m)}, 1 conn: added p99 ≤ 1 ms`, has(a99) ? plusMs(a99) + ' ms' : undefined, a99 <= 1000);
}
const fb = addedFirstByte('gateway', 'small', 'p50');
check('small, stream, 1 conn: first byte added ≤ 1 ms (p50)', has(fb) ? plusMs(fb) + ' ms' : undefined, fb <= 1000);
for (const m of ['nonstream', 'stream']) {
  const r = ratio(point('gateway', 'big', '150', m), point('portkey', 'big', '150', m));
  check(`150 KB, ${modeName(m)}: gateway ÷ Portkey ≥ 5×`, has(r) ? times(r) : undefined, r >= 5);
}
for (const m of ['nonstream', 'stream']) {
  const g = point('gateway', 'conns1500', '150', m);
  if (g) {
    check(`150 KB, ${modeName(m)}, ${int(g.conns)} conns: no errors`, String(g.errors), g.errors === 0);
    check(`150 KB, ${modeName(m)}, ${int(g.conns)} conns: peak RSS ≤ 400 MiB`, mib(g.hwm) + ' MiB', g.hwm <= 400 * 1024);
  }
  if (big.includes('1024') && big.includes('150')) {
    const [s, l] = sizes('gateway', m, '150', '1024');
    const cpu = cpuCostOf('gateway', m, '150', '1024'), rps = rpsCostOf('gateway', m, '150', '1024');
    const none = s && l && !(l.rps > 0) ? 'no 1 MB request completed' : undefined;
    check(`1 MB costs ≤ ~5× a 150 KB body, gateway CPU a request (${modeName(m)})`,
      has(cpu) ? `${times(cpu)} (req/s ${times(rps)})` : none, cpu <= 5.5);
  }
}
const directSpread = streams.find(x => x.target === 'direct' && x.ramp_ms && !x.result.client_failed)?.result;
const withDirect = (value, directValue) => has(directValue) ? `${value} (direct ${directValue})` : value;
for (const s of streams.filter(x => x.target === 'gateway')) {
  const r = s.result;
  if (r.client_failed) { check(`${int(s.n)} streams (${s.label})`, 'client failed', false); continue; }
  if (s.ramp_ms) {
    check(`${int(s.n)} streams: all intact`, `${int(r.intact)} of ${int(s.n)}`, r.intact === s.n);
    check(`${int(s.n)} streams: first byte p99 ≤ 1 s`, withDirect(`${int(r.ttfb_ms?.p99)} ms`,
      directSpread && `${int(directSpread.ttfb_ms?.p99)} ms`), r.ttfb_ms?.p99 <= 1000);
    check(`${int(s.n)} streams: worst chunk gap p99 ≤ 500 ms`, withDirect(`${int(r.max_chunk_gap_ms?.p99)} ms`,
      directSpread && `${int(directSpread.max_chunk_gap_ms?.p99)} ms`), r.max_chunk_gap_ms?.p99 <= 500);
    if (r.gateway) check(`${int(s.n)} streams: RSS ≤ 1 GiB`, `${Math.round(Math.max(r.gateway.peak_rss_sampled_mb, r.gateway.vmhwm_mb))} MiB`,
      Math.max(r.gateway.peak_rss_sampled_mb, r.gateway.vmhwm_mb) <= 1024);
  } else {
    check(`${int(s.n)} at once: each intact or refused with 503`, `${int(r.intact)} + ${int(refused(r))} of ${int(s.n)}`,
      r.intact + refused(r) === s.n);
    check(`${int(s.n)} at once: no resets`, int(resets(r)), resets(r) === 0);
    check(`${int(s.n)} at once: alive and serving afterwards`, `${s.alive ? 'alive' : 'dead'}, ${afterStreams.gateway ? 'serving' : 'not serving'}`,
      s.alive && afterStreams.gateway);
  }
}
if (started.gateway) check('idle RSS ≤ 100 MiB', `${mib(started.gateway.idle_rss_kb)} MiB`, started.gateway.idle_rss_kb <= 100 * 1024);
if (checks.length) out.push('### Targets of issue 13', '', '| target | measured | met |', '|---|--:|---|', ...checks, '');

process.stdout.write(out.join('\n'));
