import { defineConfig, devices } from '@playwright/test';

// Browser tests of the console against the real server (started by tests/global-setup.ts on a free port,
// with a fresh SQLite database and a fake OpenAI upstream). Uses Debian's chromium: nothing downloads a browser.
const chromium = {
  ...devices['Desktop Chrome'],
  channel: undefined,
  launchOptions: {
    executablePath: process.env.ONEAPI_TEST_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  },
};

export default defineConfig({
  testDir: './tests',
  globalSetup: './tests/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // generous: a loaded CI machine renders antd slowly
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['junit', { outputFile: 'test-results/junit.xml' }]],
  outputDir: 'test-results/artifacts',
  use: {
    baseURL: process.env.ONEAPI_WEB_BASE_URL,
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    ...(process.env.SCREENSHOTS
      ? [{ name: 'screenshots', testMatch: /screenshots\.ts/, dependencies: ['console'], use: { ...chromium, storageState: 'test-results/.auth/root.json' } }]
      : []),
    { name: 'api-types', testMatch: /api-types\.spec\.ts/ },
    { name: 'setup', testMatch: /auth\.setup\.ts/, use: chromium },
    {
      name: 'console',
      testMatch: /.*\.spec\.ts/,
      testIgnore: /api-types\.spec\.ts/,
      dependencies: ['setup'],
      use: { ...chromium, storageState: 'test-results/.auth/root.json' },
    },
  ],
});
