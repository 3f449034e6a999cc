// Rentals (配租) in a real browser against `anju serve --demo --policy
// loudi-2025`: the company offers the available home to the first waiting
// family, records the acceptance (the lease is signed at the rent of the
// evidence in force), charges the month (twice: nothing is charged twice),
// records the first payment and sees the lease paid up; the tenant sees
// its lease, bills and payments on a phone. Screenshots go to
// e2e/artifacts/rent-*.png (and -390 at phone width).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser } from '../support.js';

const anju = anjuWithBrowser({ tag: 'rent', shotPrefix: 'rent-', policy: 'loudi-2025' });
const { shot, login, logout } = anju;

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

test('rentals: from an offer to the first payment', async () => {
  const page = await anju.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(page, 'company');
  await page.goto(`${anju.base}/rentals`);
  await shot(page, 'desk');
  const counts = await page.locator('#lease-counts').innerText();
  for (const state of ['履行中', '已续租', '退出中', '逾期未退出', '已终止']) {
    const m = counts.match(new RegExp(`${state}\\s*(\\d+)`));
    assert.ok(m && Number(m[1]) >= 1, `the demo has leases ${state}: ${counts}`);
  }
  assert.ok(await page.locator('#arrears-table tbody tr').count() >= 1, 'the demo has arrears');
  assert.ok(await page.locator('#blacklist-table tbody tr').count() >= 1, 'the demo has a listing');

  // The offer to the first family waiting in 郊区, then its acceptance.
  await submit(page, '#offer-140311');
  assert.match(await page.locator('.banner.good').innerText(), /已发出配租通知/);
  const form = page.locator('.answer-form').first();
  await form.locator('select[name=cycle]').selectOption('monthly');
  await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
  assert.match(await page.locator('.banner.good').innerText(), /已登记家庭答复/);
  const leaseUrl = page.url();
  assert.match(leaseUrl, /\/rentals\/leases\/ZL-/);
  assert.match(await page.locator('.lease-status').innerText(), /履行中/);
  await shot(page, 'lease-new');

  // The month's charge, twice; then the first payment.
  await page.goto(`${anju.base}/rentals`);
  await submit(page, '#charge-run');
  await submit(page, '#charge-run');
  await page.goto(leaseUrl);
  const ledger = page.locator('.ledger tbody tr');
  assert.equal(await ledger.count(), 1, 'one charge, however often the month is run');
  assert.match(await page.locator('.balance').innerText(), /欠/);
  await submit(page, '#pay');
  assert.match(await page.locator('.banner.good').innerText(), /已登记缴款/);
  assert.match(await page.locator('.balance').innerText(), /无欠款/);
  assert.match(await page.locator('.paid-up-to').innerText(), /\d{4}-\d{2}-\d{2}/);
  await shot(page, 'lease-paid');
  await page.goto(`${leaseUrl}/bill`);
  await shot(page, 'bill');
  await logout(page);

  // The tenant on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, 'family-tenant');
  await page.goto(`${anju.base}/rentals/mine`);
  assert.ok(await page.locator('.my-lease').count() >= 1, 'the tenant sees its lease');
  assert.match(await page.locator('.my-lease').first().innerText(), /元\/月/);
  await shot(page, 'mine');
  await page.close();
});
