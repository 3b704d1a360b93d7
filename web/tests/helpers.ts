import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';

export const baseUrl = () => process.env.ONEAPI_WEB_BASE_URL!;
export const upstream = () => process.env.ONEAPI_FAKE_UPSTREAM!;

export const row = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });

/** Picks an option of an antd Select by typing it (the list is virtual, so typing is the reliable way). */
export async function choose(select: Locator, option: string) {
  await select.click();
  await select.fill(option);
  await select.press('Enter');
}

/** Root's management API call by access token, for setting up what a test is not about. */
export async function asRoot(request: APIRequestContext, method: 'get' | 'put' | 'post' | 'delete', path: string, data?: unknown) {
  const response = await request.fetch(path, { method, data, headers: { Authorization: process.env.ONEAPI_ROOT_ACCESS_TOKEN! } });
  const body = await response.json();
  expect(body.success, `${method} ${path}: ${body.message}`).toBe(true);
  return body.data;
}

export async function logIn(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('main').getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
}
