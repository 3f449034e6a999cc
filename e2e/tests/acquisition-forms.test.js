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
// contract form. A second test takes the forms that were API only: a
// project's price cap, the offers file with a bad row, a ledger entry and
// an edit of next year's draft plan with its reason, then the page at
// phone width. Screenshots: e2e/artifacts/acqf-*.png (and -390).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser, overflow, PHONE } from '../support.js';

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

test('acquisition forms: caps, the offers file, the ledger and a plan edit', async () => {
  const page = await anju.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(page, 'company');
  await page.goto(`${anju.base}/acquisition`);

  // A cap: every empty field beside itself, what was typed kept; a rate
  // above 5 % refused beside the rate; then recorded term by term.
  await page.fill('#cp-project', '表单苑');
  const [empty] = await Promise.all([page.waitForNavigation(), page.click('#cap-go')]);
  assert.equal(empty.status(), 422);
  for (const f of ['land_yuan_per_m2', 'construction_yuan_per_m2', 'profit_pct', 'evidence']) {
    assert.match(await page.locator(`#cap-${f}-error`).innerText(), /必填/);
  }
  assert.equal(await page.inputValue('#cp-project'), '表单苑');
  await page.fill('#cp-land', '1000');
  await page.fill('#cp-build', '4000');
  await page.fill('#cp-profit', '6');
  await page.fill('#cp-evidence', '划拨决定书 阳土划〔2024〕3号；建安成本审计报告');
  const [rate] = await Promise.all([page.waitForNavigation(), page.click('#cap-go')]);
  assert.equal(rate.status(), 422);
  assert.match(await page.locator('#cap-profit_pct-error').innerText(), /利润率/);
  assert.equal(await page.inputValue('#cp-build'), '4000');
  await shot(page, 'cap-error');
  await page.fill('#cp-profit', '5');
  await submit(page, '#cap-go');
  const capRow = page.locator('#caps tr', { hasText: '表单苑' });
  assert.match(await capRow.innerText(), /划拨土地成本 1000[\s\S]*建安成本 4000[\s\S]*利润 250[\s\S]*限价 5250/);

  // The template is an Excel file with the Chinese headers.
  const tpl = await page.request.get(`${anju.base}${await page.locator('#offers-template').getAttribute('href')}`);
  assert.equal(tpl.status(), 200);
  assert.match(tpl.headers()['content-type'], /spreadsheetml/);

  // The offers file: one good row (at its cap), one bad; the bad row's
  // problems come back as a table.
  const csv = '项目,楼栋,单元,房号,县区代码,楼层,建筑面积（㎡）,户型,竣工验收备案（是/否）,产权状况（清晰/抵押/争议）,报价（元）,用途（配售/配租）,整栋整单元出售（是/否）\n'
    + '表单苑,1,1,101,140302,1,100,三室两厅,是,清晰,525000,配售,是\n'
    + '表单苑,1,1,201,999,2,abc,三室两厅,是,清晰,1,配售,是\n';
  await page.setInputFiles('#of-file', { name: 'offers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await submit(page, '#offers-go');
  assert.equal((await page.locator('#offers-saved').innerText()).trim(), '1');
  assert.equal((await page.locator('#offers-eligible').innerText()).trim(), '1');
  assert.match(await page.locator('#offers-row-errors').innerText(), /县区代码无效/);
  await shot(page, 'offers-report');
  await submit(page, '#back-to-pool');

  // A ledger entry: a payment above the funds is refused beside its amount,
  // the memo kept; own capital is recorded with its evidence.
  await page.selectOption('#lg-kind', 'payment');
  await page.fill('#lg-amount', '999999999');
  await page.fill('#lg-memo', '购房款 回单 20260302-01');
  const [over] = await Promise.all([page.waitForNavigation(), page.click('#ledger-go')]);
  assert.equal(over.status(), 422);
  assert.ok(await page.locator('#ledger-amount_yuan-error').count());
  assert.equal(await page.inputValue('#lg-memo'), '购房款 回单 20260302-01');
  assert.equal(await page.inputValue('#lg-kind'), 'payment');
  await page.selectOption('#lg-kind', 'own_capital');
  await page.fill('#lg-amount', '2000000');
  await page.fill('#lg-memo', '股东注资 回单 20260302-02');
  await submit(page, '#ledger-go');
  assert.match(await page.locator('.ledger-entries').first().innerText(), /股东注资 回单 20260302-02/);

  // Next year's draft plan, edited before approval: the lots it bought
  // are taken out; without a reason it comes back with the ticks kept.
  await page.fill('#pp-year', '2028');
  await page.fill('#pp-own', '5000000');
  await page.fill('#pp-loans', '9000000');
  await page.fill('#pp-special', '0');
  await submit(page, '#propose-go');
  assert.match(await page.locator('#plan-summary').innerText(), /2028-YQ-AJ · 草案/);
  const ticked = page.locator('input.edit-lot:checked');
  const n = await ticked.count();
  assert.ok(n > 0, 'the optimiser bought something');
  const lots = [];
  for (let i = 0; i < n; i++) lots.push(await ticked.nth(i).getAttribute('value'));
  for (const l of lots) await page.uncheck(`input.edit-lot[value="${l}"]`);
  const [noReason] = await Promise.all([page.waitForNavigation(), page.click('#edit-go')]);
  assert.equal(noReason.status(), 422);
  assert.match(await page.locator('#plan_edit-reason-error').innerText(), /必填/);
  assert.equal(await page.locator('input.edit-lot:checked').count(), 0, 'the ticks as posted');
  for (const l of lots) await page.uncheck(`input.edit-lot[value="${l}"]`);
  await page.fill('#pe-reason', '专项资金尚未到位，本年度暂不收购');
  await submit(page, '#edit-go');
  assert.match(await page.locator('#plan-summary').innerText(), /公司调整后/);
  assert.match(await page.locator('#plan-edits').innerText(), /调出[\s\S]*专项资金尚未到位/);
  await shot(page, 'plan-edited');

  // English words, never codes; the page fits a phone.
  await page.goto(`${anju.base}/acquisition?lang=en`);
  const en = await page.locator('main').innerText();
  assert.match(en, /Record or update a project's cap/);
  assert.doesNotMatch(en, /own_capital|plan_edit/);
  await page.goto(`${anju.base}/acquisition?lang=zh`);
  await page.setViewportSize(PHONE);
  await page.goto(`${anju.base}/acquisition`);
  const o = await overflow(page);
  assert.equal(o.problem, '', o.problem);
  await page.close();
});
