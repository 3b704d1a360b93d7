import { expect, test } from '@playwright/test';
import { asRoot, logIn } from './helpers';
import { startFakeSmtp } from './fake-smtp';

const anonymous = { storageState: { cookies: [], origins: [] } };

test('a common user sees no admin navigation and cannot open admin pages', async ({ browser, request }) => {
  await asRoot(request, 'post', '/api/user/', { username: 'carol', display_name: 'Carol', password: 'carol-password-1' });
  const context = await browser.newContext(anonymous);
  const page = await context.newPage();
  await logIn(page, 'carol', 'carol-password-1');

  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Tokens' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Logs' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Channels' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Redemptions' })).toHaveCount(0);

  await page.goto('/setting');
  await expect(page.getByRole('tab', { name: 'Personal' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Operation' })).toHaveCount(0);
  for (const path of ['/channel', '/user', '/redemption', '/channel/status']) {
    await page.goto(path);
    await expect(page.getByRole('alert')).toHaveText('You do not have permission to view this page.');
  }
  await context.close();
});

/** The code in a verification mail (MimeKit may send the HTML quoted-printable or in base64). */
function codeIn(mail: string): string {
  const [headers, ...rest] = mail.split('\n\n');
  let body = rest.join('\n\n');
  if (/Content-Transfer-Encoding: base64/i.test(headers + body.slice(0, 200))) {
    body = Buffer.from(body.replace(/^[\s\S]*?\n\n/, '').replace(/\s/g, ''), 'base64').toString('utf8');
  } else {
    body = body.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  }
  const match = /<strong>([^<]+)<\/strong>/.exec(body);
  expect(match, `no code in the mail:\n${mail}`).not.toBeNull();
  return match![1];
}

test('a visitor registers with an email code, then logs in', async ({ browser, request }) => {
  const smtp = await startFakeSmtp();
  try {
    for (const [key, value] of [['SMTPServer', '127.0.0.1'], ['SMTPPort', String(smtp.port)], ['SMTPAccount', 'noreply@example.com'], ['EmailVerificationEnabled', 'true']]) {
      await asRoot(request, 'put', '/api/option/', { key, value });
    }
    const context = await browser.newContext(anonymous);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByRole('link', { name: 'Register' }).click();
    const form = page.getByRole('main');
    await expect(form.getByLabel('Email')).toBeVisible(); // shown once /api/status says verification is on
    await form.getByLabel('Username').fill('dave');
    await form.getByLabel('Password', { exact: true }).fill('dave-password-1');
    await form.getByLabel('Confirm password').fill('dave-password-1');
    await form.getByLabel('Email').fill('dave@example.com');
    await form.getByRole('button', { name: 'Send code' }).click();
    const code = codeIn(await smtp.nextMail());
    await form.getByLabel('Verification code').fill(code);
    await form.getByRole('button', { name: 'Register' }).click();
    await expect(page).toHaveURL(/\/login$/);

    await logIn(page, 'dave', 'dave-password-1');
    await page.goto('/setting');
    await expect(page.getByText('dave@example.com')).toBeVisible();
    await context.close();
  } finally {
    await asRoot(request, 'put', '/api/option/', { key: 'EmailVerificationEnabled', value: 'false' });
    await smtp.close();
  }
});
