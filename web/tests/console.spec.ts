import { expect, test } from '@playwright/test';
import { asRoot, baseUrl, choose, row, upstream } from './helpers';
import { fakeAnswer, fakeReasoning } from './fake-upstream';

// One story, in order: a channel to the fake upstream, a token, relay calls with it, their logs, a redemption code.
test.describe.configure({ mode: 'serial' });

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
  await page.getByRole('button', { name: 'Add channel' }).click();
  const form = page.getByRole('form', { name: 'Add channel' });
  await choose(form.getByLabel('Type'), 'OpenAI');
  await form.getByLabel('Name', { exact: true }).fill('fake-openai');
  await form.getByLabel('Base URL').fill(upstream());
  await form.getByLabel('Key').fill('sk-upstream-secret');
  await choose(form.getByLabel('Models'), 'gpt-4o-mini');
  await form.getByRole('button', { name: 'Save' }).click();

  await expect(page).toHaveURL(/\/channel$/);
  const channel = row(page, 'fake-openai');
  await expect(channel).toContainText('OpenAI');
  await expect(channel).toContainText('Enabled');
  await expect(channel).toContainText('gpt-4o-mini');

  await channel.getByRole('button', { name: 'Test fake-openai' }).click();
  await expect(page.getByText(/Channel fake-openai answered in \d/)).toBeVisible();
});

test('root edits the channel: priority inline, then mapping and system prompt in the form', async ({ page }) => {
  await page.goto('/channel');
  const priority = row(page, 'fake-openai').getByLabel('Priority of fake-openai');
  await priority.fill('5');
  await priority.blur();
  await expect(page.getByText('Channel fake-openai saved')).toBeVisible();

  await row(page, 'fake-openai').getByRole('link', { name: 'Edit fake-openai' }).click();
  const form = page.getByRole('form', { name: 'Edit channel' });
  await expect(form.getByLabel('Name', { exact: true })).toHaveValue('fake-openai');
  await expect(form.getByLabel('Priority', { exact: true })).toHaveValue('5');
  await form.getByLabel('Model mapping (JSON)').fill('not json');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText('A JSON object, e.g.')).toBeVisible();
  await form.getByLabel('Model mapping (JSON)').fill('{"gpt-4o-mini": "gpt-4o-mini-2024-07-18"}');
  await form.getByLabel('System prompt').fill('Be brief.');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/channel$/);

  await row(page, 'fake-openai').getByRole('link', { name: 'Edit fake-openai' }).click();
  await expect(page.getByLabel('Model mapping (JSON)')).toHaveValue('{"gpt-4o-mini": "gpt-4o-mini-2024-07-18"}');
  await expect(page.getByLabel('System prompt')).toHaveValue('Be brief.');
});

test('the channel form asks for the fields the server catalogue gives each type', async ({ page, request }) => {
  await page.goto('/channel/add');
  const form = page.getByRole('form', { name: 'Add channel' });
  // Cloudflare needs its account id in the config
  await choose(form.getByLabel('Type'), 'Cloudflare');
  await form.getByLabel('Name', { exact: true }).fill('fields-cloudflare');
  await form.getByLabel('Key').fill('cf-token');
  await choose(form.getByLabel('Models'), '@cf/meta/llama-3-8b-instruct');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByLabel('Account ID')).toHaveAttribute('aria-invalid', 'true');

  // AWS keeps its credentials in the config, so the key may stay empty; they are not sent back
  await choose(form.getByLabel('Type'), 'AwsClaude');
  await expect(form.getByLabel('Account ID')).toHaveCount(0);
  await expect(form.getByText("Empty = the region's endpoint")).toBeVisible();
  await form.getByLabel('Name', { exact: true }).fill('fields-aws');
  await form.getByLabel('Key', { exact: true }).fill('');
  await form.getByLabel('Region').fill('us-west-2');
  await form.getByLabel('Access key (AK)').fill('AKIAFIELDS');
  await form.getByLabel('Secret key (SK)').fill('aws-secret');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/channel$/);

  await row(page, 'fields-aws').getByRole('link', { name: 'Edit fields-aws' }).click();
  const edit = page.getByRole('form', { name: 'Edit channel' });
  await expect(edit.getByLabel('Region')).toHaveValue('us-west-2');
  await expect(edit.getByLabel('Secret key (SK)')).toHaveValue('[hidden]');
  await edit.getByLabel('Region').fill('eu-central-1');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/channel$/);
  const saved = (await asRoot(request, 'get', '/api/channel/search?keyword=fields-aws'))[0];
  expect(JSON.parse(saved.config)).toEqual({ region: 'eu-central-1', ak: '[hidden]', sk: '[hidden]' });
  await asRoot(request, 'delete', `/api/channel/${saved.id}`);
});

test('root creates a token, reads its key, and edits its models and subnet', async ({ page }) => {
  await page.goto('/token');
  await page.getByRole('button', { name: 'Create token' }).click();
  const create = page.getByRole('dialog', { name: 'Create token' });
  await create.getByLabel('Name').fill('web-test');
  await create.getByRole('switch', { name: 'Unlimited quota' }).click();
  await create.getByRole('button', { name: 'Save' }).click();

  await expect(page.getByTestId('new-key')).toHaveText(/^sk-[A-Za-z0-9]{48}$/);
  tokenKey = (await page.getByTestId('new-key').textContent())!;
  await expect(row(page, 'web-test')).toContainText('Unlimited');
  await expect(page.getByRole('button', { name: 'Copy new key' })).toBeVisible();

  await row(page, 'web-test').getByRole('button', { name: 'Edit web-test' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit token' });
  await choose(edit.getByLabel('Models (empty = all)'), 'gpt-4o-mini');
  await edit.getByLabel('Allowed subnets').fill('127.0.0.0/8');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Token web-test saved')).toBeVisible();

  await row(page, 'web-test').getByRole('button', { name: 'Edit web-test' }).click();
  const again = page.getByRole('dialog', { name: 'Edit token' });
  await expect(again.getByLabel('Allowed subnets')).toHaveValue('127.0.0.0/8');
  await expect(again.getByText('gpt-4o-mini', { exact: true })).toBeVisible();
  await again.getByRole('button', { name: 'Cancel' }).click();
});

test('a relay call with the new key appears in Logs, found with the filters', async ({ page }) => {
  expect(tokenKey).not.toBe('');
  const response = await fetch(`${baseUrl()}/v1/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tokenKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(response.status).toBe(200);
  expect((await response.json()).choices[0].message.content).toBe(fakeAnswer);

  await page.goto('/log');
  const filters = page.getByRole('form', { name: 'Log filters' });
  await choose(filters.getByLabel('Type'), 'Consume');
  // the log names the model the channel's mapping sent upstream
  await filters.getByLabel('Model').fill('gpt-4o-mini-2024-07-18');
  await filters.getByLabel('Token name').fill('web-test');
  await filters.getByLabel('Username').fill('root');
  await filters.getByRole('button', { name: 'Filter' }).click();
  // consume logs are written by the billing ledger shortly after the response
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    const line = row(page, 'web-test');
    await expect(line).toHaveCount(1, { timeout: 1_000 });
    await expect(line).toContainText('gpt-4o-mini');
    await expect(line).toContainText('Non-stream');
    await expect(line).toContainText('12');
    await expect(line).toContainText('7');
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId('quota-sum')).not.toHaveText('$0.00');

  await filters.getByLabel('Token name').fill('no-such-token');
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(row(page, 'web-test')).toHaveCount(0);
  await expect(page.getByTestId('quota-sum')).toHaveText('$0.00');
});

test('the playground streams an answer with its reasoning shown apart', async ({ page }) => {
  await page.goto('/playground');
  await expect(page.getByLabel('Token')).toBeVisible();
  await choose(page.getByLabel('Model'), 'gpt-4o-mini');
  await page.getByLabel('Message', { exact: true }).fill('Say hello');
  await page.getByRole('button', { name: 'Send' }).click();
  const answer = page.getByRole('article', { name: 'Assistant' });
  await expect(answer.getByTestId('answer')).toHaveText(fakeAnswer);
  await expect(answer.getByTestId('reasoning')).toHaveText(fakeReasoning);
  await expect(page.getByRole('article', { name: 'You' })).toHaveText('Say hello');
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();

  await page.goto('/log');
  await expect(row(page, 'web-test').filter({ hasText: 'Stream' }).filter({ hasNotText: 'Non-stream' })).toHaveCount(1, { timeout: 15_000 });
});

test('root creates a redemption code and redeems it on Top up', async ({ page }) => {
  await page.goto('/redemption');
  await page.getByRole('button', { name: 'Create redemption codes' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create redemption codes' });
  await dialog.getByLabel('Name').fill('gift');
  await dialog.getByLabel('Quota ($)').fill('5');
  await dialog.getByRole('button', { name: 'Save' }).click();
  const code = (await page.getByTestId('new-code').textContent())!;
  expect(code).toMatch(/^[0-9a-f]{32}$/);
  await page.getByRole('dialog', { name: 'New codes' }).getByRole('button', { name: 'Close' }).click();
  await expect(row(page, 'gift')).toContainText('Unused');
  await expect(row(page, 'gift')).toContainText('$5.00');

  await page.goto('/topup');
  await page.getByLabel('Redemption code').fill(code);
  await page.getByRole('button', { name: 'Redeem', exact: true }).click();
  await expect(page.getByText('Redeemed: $5.00 added')).toBeVisible();
  // root's $1,000,000,000 less the few millionths of a dollar the relay calls cost, plus $5
  await expect(page.getByTestId('balance')).toHaveText('$1,000,000,005.00');

  await page.goto('/redemption');
  await expect(row(page, 'gift')).toContainText('Used');
});
