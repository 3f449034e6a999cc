// Subsidies in a real browser against `anju serve --demo`: a graduate checks
// the talent rent subsidy on a phone (1,500 yuan a month for 60 months, each
// condition with its article) and applies; the talent office (市委人才办)
// verifies, decides and records the first payment, and the ledger shows it
// paid; a calculator explains its figure; the province dashboard draws its
// chart under the site's CSP and says its demo figures are samples.
// Screenshots go to e2e/artifacts/sub-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser, overflow, PHONE } from '../support.js';

const anju = anjuWithBrowser({ tag: 'sub', shotPrefix: 'sub-' });
const { shot, login, logout } = anju;

// A valid GB 11643 resident ID (check character computed here).
function residentId(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

async function submit(page, id) {
  await Promise.all([page.waitForNavigation(), page.click(`#${id}`)]);
  assert.equal(await page.locator('.banner.bad').count(), 0, `${id} failed`);
}

test('talent rent subsidy: self-check, apply, verify, decide, first payment', async () => {
  const page = await anju.browser.newPage({ viewport: PHONE });
  await login(page, 'family');
  await page.goto(`${anju.base}/subsidies/talent-rent`);
  await page.selectOption('#degree', 'master');
  await page.selectOption('#university', 'other');
  await page.check('#employed_in_city');
  await submit(page, 'check-submit');
  assert.match(await page.locator('#award-amount').innerText(), /1500 元/);
  assert.match(await page.locator('#award').innerText(), /60/);
  assert.match(await page.locator('#reasons').innerText(), /阳政办发〔2022〕39号 二（三）/);
  const fit = await overflow(page);
  assert.equal(fit.problem, '', fit.problem);
  await shot(page, 'self-check');

  await page.fill('#name', '韩立新');
  await page.fill('#resident_id', residentId('14030219970808123'));
  await submit(page, 'apply-submit');
  const id = (await page.locator('#submitted-id').innerText()).trim();
  assert.match(id, /^BT-/);
  await logout(page);

  await login(page, 'talent');
  await page.goto(`${anju.base}/subsidy-cases`);
  assert.match(await page.locator('#cases').innerText(), new RegExp(id));
  await page.goto(`${anju.base}/subsidy-cases/${id}`);
  await submit(page, 'verify-submit');
  await submit(page, 'decide-submit');
  assert.match(await page.locator('#case-status').innerText(), /已批准/);
  assert.equal(await page.locator('#instalments tbody tr').count(), 60);
  await submit(page, 'pay-submit');
  assert.match(await page.locator('#instalments tbody tr').first().innerText(), /已发放/);
  assert.match(await page.locator('#case-id').innerText(), new RegExp(id));
  await shot(page, 'case');
  await logout(page);
  await page.close();
});

test('a calculator explains its figure; the dashboard draws its chart', async () => {
  const page = await anju.browser.newPage({ viewport: PHONE });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${anju.base}/finance/down-payment`);
  await page.selectOption('#city', 'yangquan');
  await page.fill('#price_yuan', '800000');
  await page.fill('#homes_owned', '1');
  await page.check('#loans_paid_off');
  await submit(page, 'calc-submit');
  assert.match(await page.locator('#result').innerText(), /160000 元/);
  assert.match(await page.locator('#steps').innerText(), /阳政办发〔2022〕39号 二（一）/);
  await shot(page, 'down-payment');

  await page.goto(`${anju.base}/indicators`);
  assert.equal(await page.locator('#sample-note').count(), 1);
  await page.waitForSelector('#progress-chart svg', { timeout: 10000 });
  const fit = await overflow(page);
  assert.equal(fit.problem, '', fit.problem);
  await shot(page, 'indicators');
  assert.deepEqual(errors, [], `console errors: ${errors.join('; ')}`);
  await page.close();
});

test('talent apartments: recorded at 1280 px, ended early with confirmation at 390 px', async () => {
  const page = await anju.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(page, 'talent');
  await page.goto(`${anju.base}/subsidy-cases`);
  await Promise.all([page.waitForNavigation(), page.click('#go-talent-apartments')]);
  await page.fill('#name', '秦志远');
  await page.fill('#resident_id', residentId('14030219940606123'));
  await page.fill('#apartment', '人才公寓A栋502');
  await page.fill('#from', '2026-01-01');
  await page.fill('#until', '2028-12-31');
  await submit(page, 'record-submit');
  const table = await page.locator('#apartments').innerText();
  assert.match(table, /秦\*远/);
  assert.match(table, /人才公寓A栋502/);
  assert.doesNotMatch(table, /秦志远/);
  let fit = await overflow(page);
  assert.equal(fit.problem, '', fit.problem);
  await shot(page, 'talent-apartments-1280');

  await page.setViewportSize(PHONE);
  const form = page.locator('form[id^="end-TA-"]').first();
  const formId = await form.getAttribute('id');
  const ta = formId.replace(/^end-/, '');
  await page.fill(`#reason-${ta}`, '已取得配售型保障性住房资格，90日内退出');
  // Without the confirmation tick: refused beside it, the reason kept.
  await Promise.all([page.waitForNavigation(), page.click(`#end-submit-${ta}`)]);
  assert.equal(await page.locator('#confirm-error').count(), 1);
  assert.equal(await page.inputValue(`#reason-${ta}`), '已取得配售型保障性住房资格，90日内退出');
  await page.check(`#confirm-${ta}`);
  await submit(page, `end-submit-${ta}`);
  assert.match(await page.locator(`#row-${ta}`).innerText(), /已提前退出/);
  assert.equal(await page.locator(`#end-${ta}`).count(), 0);
  fit = await overflow(page);
  assert.equal(fit.problem, '', fit.problem);
  await shot(page, 'talent-apartments-390');
  await logout(page);
  await page.close();
});

test('first-home check: the natural-resources verifier answers, the office verifies', async () => {
  const page = await anju.browser.newPage({ viewport: PHONE });
  await login(page, 'verifier-natural_resources');
  await page.goto(`${anju.base}/work`);
  await Promise.all([page.waitForNavigation(), page.click('#go-property-records')]);
  const form = page.locator('form[id^="answer-BT-"]').first();
  const id = (await form.getAttribute('id')).replace(/^answer-/, '');
  await page.fill(`#homes_owned-${id}`, '0');
  await page.fill(`#reference-${id}`, '阳不动产查〔2026〕0312号');
  const fit = await overflow(page);
  assert.equal(fit.problem, '', fit.problem);
  await shot(page, 'property-records');
  await submit(page, `answer-submit-${id}`);
  assert.equal(await page.locator(`#answer-${id}`).count(), 0);
  await logout(page);

  await login(page, 'talent');
  await page.goto(`${anju.base}/subsidy-cases/${id}`);
  assert.match(await page.locator('#case-property').innerText(), /本市不动产登记住房 0 套.*二（三）/);
  await submit(page, 'verify-submit');
  assert.match(await page.locator('#case-status').innerText(), /已核验/);
  await logout(page);
  await page.close();
});
