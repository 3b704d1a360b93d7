import { expect, test, type Page } from '@playwright/test';

// One story, in order: a channel to the fake upstream, a token, a relay call with it, its log line.
test.describe.configure({ mode: 'serial' });

const upstream = () => process.env.ONEAPI_FAKE_UPSTREAM!;
const row = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });
let tokenKey = '';

test('a deep link survives a reload (SPA fallback) and unknown API routes stay 404', async ({ page, request }) => {
  await page.goto('/token');
  await expect(page.getByRole('heading', { name: 'Tokens' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Tokens' })).toBeVisible();
  expect((await request.get('/api/no-such-route')).status()).toBe(404);
});

test('root creates a channel to the fake upstream, it is listed and its test passes', async ({ page }) => {
  await page.goto('/channel');
  const form = page.getByRole('form', { name: 'Create channel' });
  await form.getByLabel('Type').selectOption({ label: 'OpenAI' });
  await form.getByLabel('Name').fill('fake-openai');
  await form.getByLabel('Base URL').fill(upstream());
  await form.getByLabel('Key').fill('sk-upstream-secret');
  await form.getByLabel('Models').fill('gpt-4o-mini');
  await form.getByLabel('Groups').fill('default');
  await form.getByRole('button', { name: 'Create channel' }).click();

  const channel = row(page, 'fake-openai');
  await expect(channel).toContainText('OpenAI');
  await expect(channel).toContainText('Enabled');
  await expect(channel).toContainText('gpt-4o-mini');

  await channel.getByRole('button', { name: 'Test fake-openai' }).click();
  await expect(page.getByRole('status')).toContainText('Channel fake-openai answered in');
});

test('root creates a token and sees its key', async ({ page }) => {
  await page.goto('/token');
  const form = page.getByRole('form', { name: 'Create token' });
  await form.getByLabel('Name').fill('web-test');
  await form.getByLabel('Unlimited quota').check();
  await form.getByRole('button', { name: 'Create' }).click();

  await expect(page.getByTestId('new-key')).toHaveText(/^sk-[A-Za-z0-9]{48}$/);
  tokenKey = (await page.getByTestId('new-key').textContent())!;
  await expect(row(page, 'web-test')).toContainText('Unlimited');
  await expect(page.getByRole('button', { name: 'Copy new key' })).toBeVisible();
});

test('a relay call with the new key appears in Logs', async ({ page }) => {
  expect(tokenKey).not.toBe('');
  const response = await fetch(`${process.env.ONEAPI_WEB_BASE_URL}/v1/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tokenKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(response.status).toBe(200);
  const body = await response.json();
  expect(body.choices[0].message.content).toBe('Hello from the fake upstream.');

  await page.goto('/log');
  await page.getByLabel('Type').selectOption({ label: 'Consume' });
  // consume logs are written by the billing ledger shortly after the response
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    const line = row(page, 'web-test');
    await expect(line).toContainText('gpt-4o-mini', { timeout: 1_000 });
    await expect(line).toContainText('12');
    await expect(line).toContainText('7');
  }).toPass({ timeout: 15_000 });
});

test('root disables the token, the key stops working, then deletes it', async ({ page }) => {
  await page.goto('/token');
  const token = row(page, 'web-test');
  await token.getByRole('button', { name: 'Disable web-test' }).click();
  await expect(token).toContainText('Disabled');

  const refused = await fetch(`${process.env.ONEAPI_WEB_BASE_URL}/v1/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tokenKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(refused.status).not.toBe(200);

  page.once('dialog', (dialog) => void dialog.accept());
  await token.getByRole('button', { name: 'Delete web-test' }).click();
  await expect(row(page, 'web-test')).toHaveCount(0);
});

test('root disables and re-enables the channel', async ({ page }) => {
  await page.goto('/channel');
  const channel = row(page, 'fake-openai');
  await channel.getByRole('button', { name: 'Disable fake-openai' }).click();
  await expect(channel).toContainText('Disabled');
  await channel.getByRole('button', { name: 'Enable fake-openai' }).click();
  await expect(channel).toContainText('Enabled');
});

test('root creates a user and disables it', async ({ page }) => {
  await page.goto('/user');
  const form = page.getByRole('form', { name: 'Create user' });
  await form.getByLabel('Username').fill('bob');
  await form.getByLabel('Display name').fill('Bob');
  await form.getByLabel('Password').fill('bob-password-1');
  await form.getByRole('button', { name: 'Create user' }).click();

  const bob = row(page, 'bob');
  await expect(bob).toContainText('Enabled');
  await bob.getByRole('button', { name: 'Disable bob' }).click();
  await expect(bob).toContainText('Disabled');
  await expect(bob.getByRole('button', { name: 'Enable bob' })).toBeVisible();
});

test('root edits an option on Settings and it persists after a reload', async ({ page }) => {
  await page.goto('/setting');
  const retry = page.getByLabel('Retry times');
  await expect(retry).toHaveValue('0');
  await retry.fill('3');
  await page.getByRole('button', { name: 'Save Retry times' }).click();
  await expect(page.getByText('Retry times saved')).toBeVisible();

  const ratio = page.getByLabel('Model ratio (JSON)');
  await ratio.fill('{"gpt-4o-mini": 0.075}');
  await page.getByRole('button', { name: 'Save Model ratio (JSON)' }).click();
  await expect(page.getByText('Model ratio (JSON) saved')).toBeVisible();

  await page.reload();
  await expect(page.getByLabel('Retry times')).toHaveValue('3');
  await expect(page.getByLabel('Model ratio (JSON)')).toHaveValue('{"gpt-4o-mini": 0.075}');

  await page.getByRole('button', { name: 'Generate access token' }).click();
  await expect(page.getByTestId('access-token')).toHaveText(/^[0-9a-f]{32}$/);
});

test('a common user does not see admin navigation', async ({ browser, page: rootPage }) => {
  const created = await rootPage.request.post('/api/user/', { data: { username: 'carol', display_name: 'Carol', password: 'carol-password-1' } });
  expect((await created.json()).success).toBe(true);

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Username').fill('carol');
  await page.getByLabel('Password').fill('carol-password-1');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();

  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Tokens' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Logs' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Channels' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);

  await page.goto('/setting');
  await expect(page.getByRole('heading', { name: 'Personal' })).toBeVisible();
  await expect(page.getByLabel('Retry times')).toHaveCount(0);
  await page.goto('/channel');
  await expect(page.getByRole('alert')).toHaveText('You do not have permission to view this page.');
  await context.close();
});
