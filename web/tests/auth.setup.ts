import { expect, test as setup } from '@playwright/test';
import fs from 'node:fs';

const storage = 'test-results/.auth/root.json';

setup('root logs in and sees the dashboard', async ({ page }) => {
  fs.mkdirSync('test-results/.auth', { recursive: true });
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Username').fill('root');
  await page.getByLabel('Password').fill('123456');
  await page.getByRole('main').getByRole('button', { name: 'Log in' }).click();

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  // root starts with 500000000000000 quota; QuotaPerUnit is 500000 and display_in_currency is on
  await expect(page.getByTestId('quota')).toHaveText('$1,000,000,000.00');
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const item of ['Dashboard', 'Channels', 'Channel status', 'Tokens', 'Logs', 'Playground', 'Top up', 'Redemptions', 'Users', 'Pricing', 'Settings']) {
    await expect(nav.getByRole('link', { name: item, exact: true })).toBeVisible();
  }
  await page.context().storageState({ path: storage });
});
