// Acquisition through the page forms only (issue 15), against `anju serve
// --demo` (Yangquan): the company reaches /acquisition from /work, records
// a waiting family's stated preference on the survey form, proposes next
// year's plan from the frozen survey, the city bureau approves it with the
// confirmation tick, and the company walks one purchase through every step
// — negotiation rounds, filing, the 5-working-day notice, the contract,
// the handover inspection with a defect, the title registration — until a
// home of it is an available acquired home of an allotment project. Every
// refusal comes back beside its field with what was typed. A second
// purchase on notice today takes an objection and its answer, and offers no
// contract form. Screenshots: e2e/artifacts/acqf-*.png (and -390).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser } from '../support.js';

const anju = anjuWithBrowser({ tag: 'acqf', shotPrefix: 'acqf-' });
const { shot, login, logout } = anju;

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

// A yuan amount as the page prints it ("2247180.00") in fen.
const fen = (s) => Math.round(Number(String(s).trim()) * 100);
const yuan = (f) => (f / 100).toFixed(2);

test('acquisition forms: from the demand survey to a home available for allotment', async () => {
  const page = await anju.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(page, 'company');

  // From the work page to the room.
  await page.goto(`${anju.base}/work?status=qualified`);
  const appHref = await page.locator('a[href^="/applications/"]').first().getAttribute('href');
  const appId = appHref.split('/').pop();
  await submit(page, '#go-acquisition');
  assert.match(page.url(), /\/acquisition$/);

  // The survey form: an unknown family is refused beside its field, what
  // was typed stays; then a waiting family's preference is recorded.
  await page.fill('#pf-app', 'A-0000-000000');
  await page.fill('#pf-layout', '两室一厅');
  await page.selectOption('#pf-band', 'small');
  const [bad] = await Promise.all([page.waitForNavigation(), page.click('#preference-go')]);
  assert.equal(bad.status(), 422);
  assert.match(await page.locator('#preference-application_id-error').innerText(), /不是轮候中的合格家庭/);
  assert.equal(await page.inputValue('#pf-layout'), '两室一厅');
  assert.equal(await page.inputValue('#pf-band'), 'small');
  await shot(page, 'preference-error');
  await page.fill('#pf-app', appId);
  await page.fill('#pf-location', '南山公园附近');
  await submit(page, '#preference-go');
  assert.match(await page.locator('.banner.good').innerText(), /已完成/);
  assert.match(await page.locator('#preference-list').innerText(), new RegExp(`${appId} · 70㎡以下 · 两室一厅 · 南山公园附近`));

  // Next year's plan from the frozen survey: a bad amount comes back beside
  // its field; then the plan is solved and explained.
  await page.fill('#pp-own', '5000000');
  await page.fill('#pp-loans', '九百万');
  await page.fill('#pp-special', '0');
  const [bad2] = await Promise.all([page.waitForNavigation(), page.click('#propose-go')]);
  assert.equal(bad2.status(), 422);
  assert.match(await page.locator('#propose-loans_yuan-error').innerText(), /金额应为元/);
  assert.equal(await page.inputValue('#pp-own'), '5000000');
  await page.fill('#pp-loans', '9000000');
  await submit(page, '#propose-go');
  assert.match(await page.locator('#plan-summary').innerText(), /2027-YQ-AJ · 草案/);
  assert.match(await page.locator('#plan-lines').innerText(), /购入：/);
  await shot(page, 'plan-draft');
  await logout(page);

  // The city bureau approves, only with the tick.
  await login(page, 'city');
  await page.goto(`${anju.base}/acquisition`);
  const [noTick] = await Promise.all([page.waitForNavigation(), page.click('#approve-go')]);
  assert.equal(noTick.status(), 422);
  assert.match(await page.locator('#approve-confirm-error').innerText(), /请勾选确认/);
  await page.check('#approve-confirm');
  await submit(page, '#approve-go');
  assert.match(await page.locator('#plan-summary').innerText(), /已批准/);
  await logout(page);

  // The company walks a purchase of the new plan.
  await login(page, 'company');
  await page.goto(`${anju.base}/acquisition`);
  const planned = page.locator('#purchases tr', { hasText: '计划内' });
  assert.ok((await planned.count()) >= 2, 'the new plan opened purchases');
  const purchaseHref = await planned.first().locator('a.purchase-link').getAttribute('href');
  const otherHref = await planned.nth(1).locator('a.purchase-link').getAttribute('href');
  await page.goto(`${anju.base}${purchaseHref}`);
  await shot(page, 'purchase-planned');
  // Only the steps the state allows: negotiation; no filing before a price,
  // no appraisal in Yangquan (Loudi's rule), no contract.
  assert.equal(await page.locator('#negotiate-form').count(), 1);
  assert.equal(await page.locator('#file-form').count(), 0);
  assert.equal(await page.locator('#appraise-form').count(), 0);
  assert.equal(await page.locator('#sign-form').count(), 0);
  assert.match(await page.locator('#negotiate-form').locator('..').innerText(), /阳政办发〔2026〕2号 第七条（四）/);
  const cap = fen((await page.locator('#p-terms tr', { hasText: '限价合计' }).locator('td').innerText()).split('（')[0]);
  assert.ok(cap > 0);

  // Round 1: no agreement.
  await page.selectOption('#n-mode', 'fixed_area_price');
  await page.fill('#n-short', '阳泉市桃林置业有限公司\n山西南山房地产开发有限公司');
  await page.fill('#n-on', '2026-02-02');
  await page.fill('#n-offer', yuan(cap + 5000000));
  await page.fill('#n-note', '第一轮：开发企业报价高于限价，未成交');
  await submit(page, '#negotiate-go');
  assert.match(await page.locator('#p-rounds').innerText(), /第一轮/);
  // Agreeing above the cap is refused beside the offer, values kept.
  await page.selectOption('#n-mode', 'fixed_area_price');
  await page.fill('#n-on', '2026-02-03');
  await page.fill('#n-offer', yuan(cap + 1));
  await page.check('#n-agreed');
  const [above] = await Promise.all([page.waitForNavigation(), page.click('#negotiate-go')]);
  assert.equal(above.status(), 422);
  assert.match(await page.locator('#negotiate-offer_yuan-error').innerText(), /高于限价合计/);
  assert.equal(await page.inputValue('#n-offer'), yuan(cap + 1));
  assert.ok(await page.isChecked('#n-agreed'));
  await shot(page, 'negotiate-error');
  const agreed = cap - 100000;
  await page.fill('#n-offer', yuan(agreed));
  await page.fill('#n-note', '第二轮：按限价以内成交');
  await submit(page, '#negotiate-go');
  assert.equal(fen(await page.locator('#p-agreed').innerText()), agreed);

  // Filing with both bureaus, then the notice (5 working days).
  await page.fill('#f-housing', '2026-02-04');
  await page.fill('#f-finance', '2026-02-05');
  await submit(page, '#file-go');
  assert.match(await page.locator('#p-filed').innerText(), /2026-02-04/);
  assert.equal(await page.locator('#negotiate-form').count(), 0);
  await page.fill('#t-start', '2026-02-09');
  await submit(page, '#notice-go');
  assert.match(await page.locator('#p-notice').innerText(), /2026-02-09 — 2026-02-13/);

  // The contract: refused without the tick, values kept; then signed.
  await page.fill('#s-on', '2026-02-13');
  await page.fill('#s-handover', '2026-02-20');
  await page.fill('#s-pay', '签约付30%，交付付60%，办证后付10%');
  await page.fill('#s-title', '交付后3个月内办理不动产转移登记');
  await page.fill('#s-liab', '逾期交付按日万分之五支付违约金');
  const [noConfirm] = await Promise.all([page.waitForNavigation(), page.click('#sign-go')]);
  assert.equal(noConfirm.status(), 422);
  assert.match(await page.locator('#sign-confirm-error').innerText(), /合同签订后不能撤销/);
  assert.equal(await page.inputValue('#s-pay'), '签约付30%，交付付60%，办证后付10%');
  // On the notice's last day: refused beside the date.
  await page.check('#s-confirm');
  const [early] = await Promise.all([page.waitForNavigation(), page.click('#sign-go')]);
  assert.equal(early.status(), 422);
  assert.match(await page.locator('#sign-on-error').innerText(), /公示期 2026-02-13 才结束/);
  await shot(page, 'sign-error');
  await page.fill('#s-on', '2026-02-16');
  await page.check('#s-confirm');
  await submit(page, '#sign-go');
  assert.match(await page.locator('#p-contract').innerText(), /2026-02-16/);

  // Handover: a failed item needs its defect described.
  await page.fill('#h-on', '2026-02-20');
  await page.fill('#h-warranty', '2');
  await page.selectOption('#h-passed-1', 'no');
  const [defect] = await Promise.all([page.waitForNavigation(), page.click('#handover-go')]);
  assert.equal(defect.status(), 422);
  assert.match(await page.locator('#handover-form').innerText(), /未通过的项目须写明缺陷/);
  assert.equal(await page.inputValue('#h-warranty'), '2');
  await shot(page, 'handover-error');
  await page.fill('#h-defect-1', '次卧窗框渗水，开发企业保修期内整改');
  await submit(page, '#handover-go');
  assert.match(await page.locator('#p-due').innerText(), /2026-05-20/);
  assert.match(await page.locator('#p-inspection').innerText(), /窗框渗水/);

  // Registration, with the tick.
  await page.fill('#r-cert', '晋(2026)阳泉市不动产权第0002001号');
  await page.check('#r-confirm');
  await submit(page, '#register-go');
  assert.match(await page.locator('#p-registered').innerText(), /第0002001号/);
  assert.match(await page.locator('#p-status').innerText(), /已登记/);

  // Into the demo's draft allotment project: above cost + 5 % is refused.
  const row = page.locator('#p-homes tbody tr').first();
  const home = (await row.locator('td').first().innerText()).trim();
  const cost = fen(await row.locator('td').nth(4).innerText());
  await page.selectOption('#l-home', home);
  await page.fill('#l-project', 'YQ-2026-03');
  await page.fill('#l-price', yuan(Math.floor(cost * 1.05) + 100));
  await page.fill('#l-floor', '3');
  await page.check('#l-confirm');
  const [tooDear] = await Promise.all([page.waitForNavigation(), page.click('#allot-go')]);
  assert.equal(tooDear.status(), 422);
  assert.match(await page.locator('#allot-price_yuan-error').innerText(), /超过收购成本/);
  await page.fill('#l-price', yuan(cost));
  await page.check('#l-confirm');
  await submit(page, '#allot-go');
  await shot(page, 'purchase-registered');
  const projectHref = await page.locator('#p-homes a[href^="/projects/"]').first().getAttribute('href');
  await page.goto(`${anju.base}${projectHref}`);
  assert.match(await page.locator('body').innerText(), /收购存量房/);
  await shot(page, 'project');

  // A second purchase, its notice starting today: an objection, its
  // answer, and no contract form while the notice runs.
  await page.goto(`${anju.base}${otherHref}`);
  await page.selectOption('#n-mode', 'fixed_price_area');
  await page.fill('#n-offer', yuan(cap > 200000 ? 200000 : cap));
  await page.check('#n-agreed');
  await submit(page, '#negotiate-go');
  await submit(page, '#file-go');
  await submit(page, '#notice-go');
  assert.equal(await page.locator('#sign-form').count(), 0);
  await page.fill('#o-text', '住户张某：该单元车位归属未公示');
  await submit(page, '#object-go');
  assert.match(await page.locator('#p-objections').innerText(), /未答复/);
  await page.fill('#answer-0', '车位不在本次收购范围，已书面答复');
  await submit(page, '.answer-go');
  assert.match(await page.locator('#p-objections').innerText(), /已书面答复/);
  assert.equal(await page.locator('#sign-form').count(), 0);
  await shot(page, 'on-notice');

  // English words, never codes.
  await page.goto(`${anju.base}${purchaseHref}?lang=en`);
  const en = await page.locator('main').innerText();
  assert.match(en, /Handover inspection/);
  assert.doesNotMatch(en, /handed_over|fixed_area_price|hand_over/);
  await page.goto(`${anju.base}${purchaseHref}?lang=zh`);

  // Auditors read the purchase without any form.
  await logout(page);
  await login(page, 'auditor');
  await page.goto(`${anju.base}${purchaseHref}`);
  assert.equal(await page.locator("#next-step").count(), 0);
  assert.match(await page.locator("#p-status").innerText(), /已登记/);
  await page.close();
});
