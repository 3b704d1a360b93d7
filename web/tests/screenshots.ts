import { expect, test, type Page } from '@playwright/test';
import { choose } from './helpers';

// Not a test: `npm run screenshots` runs the browser tests, then this, to refresh the pictures in docs/console/ that the
// README shows. It reuses the data the tests left (channel, token, logs).
const pages = [
  { path: '/dashboard', name: 'dashboard' },
  { path: '/channel', name: 'channels' },
  // a new Vertex AI channel shows the fields the server's catalogue gives a type
  { path: '/channel/add', name: 'channel-edit', type: 'VertextAI' },
  { path: '/token', name: 'tokens' },
  { path: '/log', name: 'logs' },
  { path: '/playground', name: 'playground' },
  { path: '/pricing', name: 'pricing' },
  { path: '/setting', name: 'settings' },
];

async function language(page: Page, label: string) {
  await page.goto('/dashboard');
  await page.locator('header').waitFor();
  await page.locator('header').getByRole('button').first().click();
  await page.getByRole('menuitem', { name: label }).click();
}

for (const [code, label] of [['en', 'English'], ['zh', '中文']] as const) {
  test(`screenshots in ${label}`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width: 1280, height: 800 });
    await language(page, label);
    for (const { path, name, type } of pages) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
      await page.waitForLoadState('networkidle');
      if (type) {
        await choose(page.getByLabel(code === 'zh' ? '类型' : 'Type'), type);
        await expect(page.getByLabel(code === 'zh' ? '区域' : 'Region')).toBeVisible();
        await page.getByLabel(code === 'zh' ? '名称' : 'Name', { exact: true }).fill('vertex-ai');
        await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
      }
      if (name === 'dashboard') {
        // the chart grows its bars in; a picture mid-animation shows them short
        await page.waitForTimeout(2_000);
      }
      if (name === 'playground') {
        await page.getByRole('textbox').last().fill(code === 'zh' ? '你好' : 'Hello');
        await page.keyboard.press('Enter');
        await expect(page.getByTestId('answer')).toHaveText(/upstream/);
      }
      await page.screenshot({ path: `../docs/console/${name}.${code}.png` });
    }
  });
}

test('screenshots on a phone, dark', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await language(page, 'English');
  await page.locator('header').getByRole('button').nth(1).click();
  await page.goto('/token');
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: '../docs/console/tokens.phone-dark.png' });
});
