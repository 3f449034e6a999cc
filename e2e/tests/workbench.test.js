// The everyday pieces around an application, in a real browser against
// `anju serve --demo`: a family's form with mistakes shows every problem
// beside its field and keeps what was typed (phone); the family's progress,
// receipt and messages; the bureau's dashboard with what waits and what is
// overdue. Screenshots go to e2e/artifacts/wb-*.png (and -390).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser, PHONE } from '../support.js';

const anju = anjuWithBrowser({ tag: 'wb', shotPrefix: 'wb-' });
const { shot, login, logout } = anju;

test('workbench: form errors beside fields, progress, receipt, messages, dashboard', async () => {
  const page = await anju.browser.newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
  // A community clerk fills a paper application with mistakes.
  await login(page, 'community-140302');
  await page.goto(`${anju.base}/apply`);
  await page.fill('#a_name', '王振国');
  await page.fill('#a_id', '1.40311E+17');
  await page.fill('#a_income', '三万');
  await page.fill('#transfers', '2024/13/40');
  await Promise.all([page.waitForNavigation(), page.click('#apply-submit')]);
  assert.match(await page.locator('#form-errors').innerText(), /请修改以下/);
  assert.match(await page.locator('#a_id-error').innerText(), /18位/);
  assert.match(await page.locator('#a_income-error').innerText(), /不是数字/);
  assert.match(await page.locator('#transfers-error').innerText(), /2024\/13\/40/);
  assert.equal(await page.inputValue('#a_name'), '王振国', 'what was typed is kept');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the form fits the phone (${width}px)`);
  await shot(page, 'apply-errors');
  await logout(page);

  // The family: its application's progress and receipt, and its messages.
  await login(page, 'family-qualified');
  await page.goto(`${anju.base}/work`);
  await Promise.all([page.waitForNavigation(), page.locator('#applications a').first().click()]);
  assert.equal(await page.locator('#timeline li').count(), 6);
  assert.equal(await page.locator('#timeline li.current').count() <= 1, true);
  await shot(page, 'progress');
  await Promise.all([page.waitForNavigation(), page.click('#receipt-link')]);
  assert.match(await page.locator('#receipt-id').innerText(), /\d{6}-\d{8}-/);
  assert.match(await page.locator('#receipt-seal').innerText(), /盖章/);
  await shot(page, 'receipt');
  await page.goto(`${anju.base}/messages`);
  assert.match(await page.locator('#messages').innerText(), /已取得配售资格/, 'told it qualified');
  await shot(page, 'messages');
  await logout(page);

  // The district bureau's dashboard.
  const desk = await anju.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(desk, 'bureau-140302');
  await desk.goto(`${anju.base}/work`);
  await Promise.all([desk.waitForNavigation(), desk.click('#go-dashboard')]);
  assert.ok(await desk.locator('#waiting li').count() >= 1, 'something waits for the bureau');
  assert.ok(await desk.locator('#status-table tbody tr').count() === 10);
  await desk.waitForSelector('#status-chart[data-drawn="true"]');
  await shot(desk, 'dashboard');
});
