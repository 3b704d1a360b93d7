import { expect, test } from '@playwright/test';

test('root changes the system name on Settings and the whole console shows it', async ({ page }) => {
  await page.goto('/setting');
  await page.getByRole('tab', { name: 'Other' }).click();
  const content = page.getByRole('form', { name: 'Content' });
  await content.getByLabel('System name').fill('Test Gateway');
  await content.getByRole('button', { name: 'Save Content' }).click();
  await expect(page.getByText('Content saved')).toBeVisible();

  await page.reload();
  await expect(page.getByRole('link', { name: 'Test Gateway' })).toBeVisible();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Test Gateway' })).toBeVisible();

  await page.goto('/setting');
  await page.getByRole('tab', { name: 'Other' }).click();
  await page.getByRole('form', { name: 'Content' }).getByLabel('System name').fill('One API');
  await page.getByRole('form', { name: 'Content' }).getByRole('button', { name: 'Save Content' }).click();
  await expect(page.getByText('Content saved')).toBeVisible();
});

test('root edits a ratio JSON option; invalid JSON is refused in the form', async ({ page }) => {
  await page.goto('/setting');
  await page.getByRole('tab', { name: 'Operation' }).click();
  const ratios = page.getByRole('form', { name: 'Ratios' });
  await ratios.getByLabel('Group ratio (JSON)').fill('{"default": 1, "vip"');
  await ratios.getByRole('button', { name: 'Save Ratios' }).click();
  await expect(ratios.getByText('Not a JSON object')).toBeVisible();
  await ratios.getByLabel('Group ratio (JSON)').fill('{"default":1,"vip":1,"svip":1,"team":0.5}');
  await ratios.getByRole('button', { name: 'Save Ratios' }).click();
  await expect(page.getByText('Ratios saved')).toBeVisible();

  await page.goto('/pricing');
  await expect(page.getByText('team × 0.5')).toBeVisible();
});

test('the language switches to Chinese and is remembered', async ({ page }) => {
  await page.goto('/dashboard');
  await page.getByRole('button', { name: 'Language' }).click();
  await page.getByRole('menuitem', { name: '中文' }).click();
  await expect(page.getByRole('heading', { name: '仪表盘' })).toBeVisible();
  const nav = page.getByRole('navigation', { name: '主导航' });
  await expect(nav.getByRole('link', { name: '令牌' })).toBeVisible();
  await expect(nav.getByRole('link', { name: '渠道', exact: true })).toBeVisible();

  await page.reload();
  await expect(page.getByRole('heading', { name: '仪表盘' })).toBeVisible();
  await page.goto('/token');
  await expect(page.getByRole('button', { name: '创建令牌' })).toBeVisible();

  await page.getByRole('button', { name: '语言' }).click();
  await page.getByRole('menuitem', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Tokens' })).toBeVisible();
});
