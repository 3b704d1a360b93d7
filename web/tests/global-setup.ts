import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeUpstream } from './fake-upstream';

export const ROOT_ACCESS_TOKEN = 'webtestrootaccesstoken0000000001';

const here = path.dirname(fileURLToPath(import.meta.url));
const serverDll = path.resolve(here, '../../artifacts/server/OneApi.Server.dll');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, exited: () => string | null, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const exit = exited();
    if (exit) throw new Error(`the server exited before it answered: ${exit}`);
    try {
      const response = await fetch(`${url}/api/status`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server did not answer on ${url} within ${timeoutMs} ms`);
}

/** Starts the fake upstream and the real server (fresh SQLite database); returns the teardown. */
export default async function globalSetup() {
  if (!fs.existsSync(serverDll)) {
    throw new Error(`${serverDll} is missing: run ../run.sh --build-only first (test.sh does)`);
  }
  if (!fs.existsSync(path.resolve(here, '../../artifacts/server/wwwroot/index.html'))) {
    throw new Error('the published server has no wwwroot/index.html: run ../run.sh --build-only');
  }
  const upstream = await startFakeUpstream();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oneapi-web-'));
  const port = await freePort();
  const logPath = path.join(dataDir, 'server.log');
  const log = fs.openSync(logPath, 'w');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    SQLITE_PATH: path.join(dataDir, 'one-api.db'),
    INITIAL_ROOT_ACCESS_TOKEN: ROOT_ACCESS_TOKEN,
    GLOBAL_API_RATE_LIMIT: '100000',
    GLOBAL_WEB_RATE_LIMIT: '100000',
    CRITICAL_RATE_LIMIT: '100000',
    // The registration test's fake SMTP server speaks no TLS, which the server otherwise requires.
    SMTP_ALLOW_INSECURE: 'true',
  };
  // SQLite only, whatever the calling shell points at.
  for (const name of ['SQL_DSN', 'LOG_SQL_DSN', 'REDIS_CONN_STRING', 'SESSION_SECRET']) delete env[name];
  const server = spawn('dotnet', [serverDll], {
    env,
    stdio: ['ignore', log, log],
  });
  let exit: string | null = null;
  server.on('exit', (code, signal) => (exit = `code ${code} signal ${signal}`));

  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(baseUrl, () => exit, 60_000);
  } catch (e) {
    server.kill('SIGKILL');
    await upstream.close();
    throw new Error(`${(e as Error).message}\n--- server log ---\n${fs.readFileSync(logPath, 'utf8')}`);
  }
  process.env.ONEAPI_WEB_BASE_URL = baseUrl;
  process.env.ONEAPI_FAKE_UPSTREAM = upstream.url;
  process.env.ONEAPI_ROOT_ACCESS_TOKEN = ROOT_ACCESS_TOKEN;

  return async () => {
    if (exit !== null) {
      // it died during the run: every later test failed to connect, and its log says why
      console.error(`the server exited during the tests (${exit}); its log ends:\n${fs.readFileSync(logPath, 'utf8').split('\n').slice(-40).join('\n')}`);
    } else {
      const stopped = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([stopped, new Promise((r) => setTimeout(r, 5_000))]);
      if (exit === null) server.kill('SIGKILL');
    }
    await upstream.close();
    fs.closeSync(log);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
