// Acquisition (收购存量商品房) in a real browser against `anju serve --demo`:
// the company sees the frozen demand survey and its chart, the screened pool
// with each failed rule and its article (Yangquan's only), the approved plan
// explained building by building, the purchases with the registration
// overdue, and follows a registered home into the allotment project where
// it is an available acquired home. A second survey before six months is
// refused in Chinese. Screenshots: e2e/artifacts/acq-*.png (and -390).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser } from '../support.js';

const anju = anjuWithBrowser({ tag: 'acq', shotPrefix: 'acq-' });
const { shot, login, logout } = anju;

test('acquisition: from the demand survey to a home available for allotment', async () => {
  const page = await anju.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(page, 'company');
  await page.goto(`${anju.base}/acquisition`);
  await page.waitForSelector('#survey-chart canvas', { timeout: 10000 });
  await shot(page, 'overview');
  assert.match(await page.locator('#survey-frozen').innerText(), /已冻结/);
  assert.match(await page.locator('#survey-frozen').innerText(), /阳政办发〔2026〕2号 第七条/);
  assert.ok(Number(await page.locator('#pool-eligible').innerText()) > 0);
  const pool = await page.locator('#pool').innerText();
  assert.match(pool, /未办理竣工验收备案/);
  assert.match(pool, /第七条（三）/);
  assert.doesNotMatch(pool, /娄底/);
  assert.match(await page.locator('#plan-summary').innerText(), /已批准/);
  assert.match(await page.locator('#plan-lines').innerText(), /购入：/);
  assert.match(await page.locator('#plan-lines').innerText(), /不购：/);
  assert.match(await page.locator('#overdue').innerText(), /逾期未办理不动产权登记：1/);
  assert.match(await page.locator('#purchases').innerText(), /已交接/);
  assert.match(await page.locator('#purchases').innerText(), /已签约/);

  // A second survey within six months is refused, in Chinese.
  await Promise.all([page.waitForNavigation(), page.click('#survey-go')]);
  assert.match(await page.locator('body').innerText(), /未满 6 个月/);
  await page.goto(`${anju.base}/acquisition`);

  // The overdue registration is recorded from its row; the banner goes.
  const overdueRow = page.locator('#purchases tr', { hasText: '已逾期' }).first();
  await overdueRow.locator('input[name=on]').fill('2026-02-27');
  await overdueRow.locator('input[name=certificate]').fill('晋(2026)阳泉市不动产权第0001300号');
  await Promise.all([page.waitForNavigation(), overdueRow.locator('.register-go').click()]);
  assert.match(await page.locator('.banner.good').innerText(), /已完成/);
  assert.equal(await page.locator('#overdue').count(), 0);
  await shot(page, 'registered');

  // The registered home, now an available acquired home of a project.
  const href = await page.locator('#purchases a[href^="/projects/"]').first().getAttribute('href');
  assert.match(href, /^\/projects\//);
  await page.goto(`${anju.base}${href}`);
  await shot(page, 'project');
  const body = await page.locator('body').innerText();
  assert.match(body, /收购存量房/);

  // English words, never internal names.
  await page.goto(`${anju.base}/acquisition?lang=en`);
  const en = await page.locator('main').innerText();
  assert.match(en, /Demand survey/);
  assert.doesNotMatch(en, /within_gap|handed_over|sale_cap/);
  await page.goto(`${anju.base}/acquisition?lang=zh`);

  // The city bureau reads the same page; auditors too; a family may not.
  await logout(page);
  await login(page, 'city');
  await page.goto(`${anju.base}/acquisition`);
  assert.match(await page.locator('#plan-summary').innerText(), /已批准/);
  await logout(page);
  await page.close();
});
