// Holdings (持有与退出) in a real browser against `anju serve --demo`: the
// company finds the demo's buyback in progress from the holder register,
// records that the family left, is stopped by the confirmation before the
// payment, pays, returns the title with a new certificate, and sees the
// home back in the pool; a street report on another home opens a case.
// Screenshots go to e2e/artifacts/hold-*.png (and -390 at phone width).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser } from '../support.js';

const anju = anjuWithBrowser({ tag: 'hold', shotPrefix: 'hold-' });
const { shot, login, logout } = anju;

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

test('holdings: a buyback from the register to the home back in the pool', async () => {
  const page = await anju.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(page, 'company');
  await page.goto(`${anju.base}/holdings`);
  await shot(page, 'register');
  const total = Number(await page.locator('#register-total strong').innerText());
  assert.ok(total >= 3, `the demo holds sold homes (${total})`);
  assert.match(await page.locator('#register').innerText(), /回购办理中/);

  // The home with the buyback in progress, then the buyback.
  const row = page.locator('#register tr', { hasText: '回购办理中' }).first();
  await Promise.all([page.waitForNavigation(), row.locator('a').first().click()]);
  await shot(page, 'home');
  await Promise.all([page.waitForNavigation(), page.locator('#buybacks a').first().click()]);
  await shot(page, 'buyback');
  assert.match(await page.locator('#exit-by').innerText(), /第二十条/);
  assert.match(await page.locator('#price').innerText(), /自行装修/);
  const price = await page.locator('#price-total').innerText();
  assert.equal(price, '321000');

  // The family left; paying without ticking the confirmation is refused beside the field.
  await page.selectOption('#progress-step', 'vacated');
  await submit(page, '#progress-go');
  assert.match(await page.locator('.banner.good').innerText(), /已办理回购步骤/);
  await page.selectOption('#progress-step', 'pay');
  await submit(page, '#progress-go');
  assert.match(await page.locator('body').innerText(), /不可撤销，请勾选确认/);
  await page.goBack();
  await page.reload();
  await page.selectOption('#progress-step', 'pay');
  await page.check('#progress input[name=confirm]');
  await submit(page, '#progress-go');
  assert.match(await page.locator('#buyback-status').innerText(), /已付款/);

  // The title goes back to the company; the home returns to the pool.
  await page.fill('#return-cert', '晋(2026)阳泉市不动产权第0009001号');
  await page.check('#return-title input[name=confirm]');
  await submit(page, '#return-go');
  assert.match(await page.locator('#buyback-status').innerText(), /已完成/);
  await shot(page, 'buyback-done');
  await page.goto(`${anju.base}/holdings/campaigns`);
  await shot(page, 'campaigns');
  // Yangquan's documents regulate sale only (no rentals room there), so a
  // bought-back home can go only into a new allotment project.
  assert.match(await page.locator('#pool').innerText(), /可纳入新的配售项目/);
  // The running campaign shows its progress and the flagged homes.
  await Promise.all([page.waitForNavigation(), page.locator('#campaigns a').first().click()]);
  await shot(page, 'campaign');
  assert.ok(Number(await page.locator('#flagged').innerText()) >= 1);
  await logout(page);
  await page.close();
});
