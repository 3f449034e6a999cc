// Allotment (配售) in a real browser against a real `anju serve --demo`:
// the city housing bureau approves a submitted plan; the implementing
// company opens round 1 (freezing the entrant list and publishing its
// commitment), draws with a notary's reveal, starts selection and calls
// families; the qualified demo family sees it was called and chooses a
// home; the company signs the contract at the 15% minimum down payment,
// registers the title with the article-18 annotation, and a sale of the
// home is refused citing article 18; the public project page shows the
// commitment and the masked results, and the online check says 一致.
// Screenshots go to e2e/artifacts/allot-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser } from '../support.js';

const PROJECT = 'YQ-2026-01';
const NOTARY = '阳泉市公证处 张明';
const REVEAL = '07 12 23 31 35';
const REVEAL2 = '07 12 23 31 35+09';

const anju = anjuWithBrowser({ tag: 'allot', shotPrefix: 'allot-' });
const { shot, login, logout } = anju;

// An element by its exact id (ids here carry application and home ids).
const byId = (id) => `[id="${id}"]`;

// Submits the form of button `id` and expects no error page.
async function submit(page, id) {
  await Promise.all([page.waitForNavigation(), page.click(byId(id))]);
  const bad = await page.locator('.banner.bad').count();
  assert.equal(bad, 0, `${id} failed: ${bad ? await page.locator('.banner.bad').first().innerText() : ''}`);
}

// Submits the form of button `id` and returns the refusal's text.
async function refused(page, id) {
  await Promise.all([page.waitForNavigation(), page.click(byId(id))]);
  assert.equal(await page.locator('.banner.bad').count(), 1, 'expected a refusal');
  return page.locator('.banner.bad').innerText();
}

// Yuan with up to two decimals -> fen, and back, without floating point.
function toFen(yuan) {
  const m = yuan.trim().match(/^(\d+)(?:\.(\d{1,2}))?$/);
  assert.ok(m, `not an amount: ${yuan}`);
  return BigInt(m[1]) * 100n + BigInt((m[2] || '').padEnd(2, '0'));
}
function toYuan(fen) {
  const f = (fen % 100n).toString().padStart(2, '0');
  return `${fen / 100n}.${f}`;
}

test('allotment: approve a plan, freeze, draw, call, choose, sign, title, refuse a sale, verify', async () => {
  let page = await anju.browser.newPage();

  // --- The city housing bureau approves the county-seat project's plan (art. 15).
  await login(page, 'city');
  await page.goto(`${anju.base}/projects`);
  const list = await page.locator('#projects').innerText();
  assert.match(list, /PD-2026-01/);
  assert.match(list, /已报市住建局审批/);
  await shot(page, '01-projects-city');
  await page.goto(`${anju.base}/projects/PD-2026-01`);
  assert.equal(await page.locator('#plan-status').innerText(), '已报市住建局审批');
  assert.match(await page.locator('#price-check').innerText(), /通过/);
  await shot(page, '02-plan-submitted');
  await submit(page, 'act-plan_approve');
  assert.equal(await page.locator('#plan-status').innerText(), '已批准，待公布');
  assert.match(await page.locator('#done').innerText(), /配售方案已批准/);
  await shot(page, '03-plan-approved');
  await logout(page);

  // --- The company opens round 1: the entrant list is frozen, its commitment published.
  await login(page, 'company');
  await page.goto(`${anju.base}/projects/${PROJECT}`);
  assert.equal(await page.locator('#plan-status').innerText(), '已公布实施');
  assert.match(await page.locator(byId('act-open_round')).innerText(), /开启第1轮（冻结名单）/);
  await shot(page, '04-project-company');
  await submit(page, 'act-open_round');
  const commitment = (await page.locator('#frozen-commitment').innerText()).trim();
  assert.match(commitment, /^[0-9a-f]{64}$/);
  assert.match(await page.locator('.banner.good').innerText(), /第1轮已开启，参与名单已冻结：\d+ 户参加/);
  await shot(page, '05-round-frozen');
  await Promise.all([page.waitForNavigation(), page.click('#back-to-project')]);
  assert.equal((await page.locator('#commitment-1').innerText()).trim(), commitment);
  assert.match(await page.locator('#round-1 .round-status').innerText(), /名单已冻结，待摇号/);

  // Draw with the notary's reveal, start selection, call up to 50 families.
  await page.fill(byId('draw-notary-1'), NOTARY);
  await page.fill(byId('draw-reveal-1'), REVEAL);
  await submit(page, 'act-draw-1');
  const draws = await page.locator('#draws-1').innerText();
  assert.match(draws, new RegExp(NOTARY));
  assert.ok(draws.includes(REVEAL), draws);
  assert.match(draws, /现行结果/);
  assert.match(await page.locator('#round-1 .round-status').innerText(), /已摇号，待选房/);

  // A re-draw needs a written reason and a second person's approval; both draws stay published.
  await page.fill(byId('redraw-reason-1'), '公证员录入随机值时漏输蓝球号码，经现场监督确认须重新摇号');
  await submit(page, 'act-request_redraw-1');
  assert.match(await page.locator('#round-1').innerText(), /重新摇号申请：公证员录入随机值时漏输蓝球号码.*待第二人批准/);
  assert.equal(await page.locator(byId('act-approve_redraw-1')).count(), 0, 'the requester cannot approve');
  await logout(page);
  await login(page, 'company2');
  await page.goto(`${anju.base}/projects/${PROJECT}`);
  await submit(page, 'act-approve_redraw-1');
  await logout(page);
  await login(page, 'company');
  await page.goto(`${anju.base}/projects/${PROJECT}`);
  await page.fill(byId('draw-notary-1'), NOTARY);
  await page.fill(byId('draw-reveal-1'), REVEAL2);
  await submit(page, 'act-draw-1');
  const redraws = await page.locator('#draws-1').innerText();
  assert.match(redraws, /已作废/);
  assert.match(redraws, /漏输蓝球号码/);
  assert.equal(await page.locator('#draws-1 tr.draw').count(), 2);
  await submit(page, 'act-start_selection-1');
  assert.match(await page.locator('#round-1 .round-status').innerText(), /选房中/);
  await page.fill(byId('call-count-1'), '50');
  await submit(page, 'act-call_next-1');
  const called = (await page.locator('#done').innerText()).match(/已叫号：(\d+) 户/);
  assert.ok(called && Number(called[1]) >= 1, 'families were called');
  assert.match(await page.locator('#results-1').innerText(), /已叫号，请选房/);
  assert.equal(await page.locator('#overdue').count(), 0, 'nothing chosen yet');
  await shot(page, '06-called');
  await logout(page);

  // --- The qualified family, on a phone, sees it was called and chooses the first available home.
  const desk = page;
  page = await anju.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await login(page, 'family-qualified');
  await page.goto(`${anju.base}/work`);
  await Promise.all([page.waitForNavigation(), page.locator('#applications a').first().click()]);
  const app = decodeURIComponent(page.url().match(/applications\/([^?#]+)/)[1]);
  const progress = await page.locator('#allotment').innerText();
  assert.match(progress, /阳泉市城区保障性住房一期/);
  assert.match(progress, /已叫号，请选房/);
  await shot(page, '07-family-called');
  await Promise.all([page.waitForNavigation(), page.click(byId(`choose-link-${PROJECT}-1`))]);
  assert.match(await page.locator('#entrant-state').innerText(), /已叫号，请选房/);
  const firstHome = await page.locator('#available-homes [data-home]').first().getAttribute('data-home');
  await shot(page, '08-choose');
  // Choosing asks first: the home, its price and area, the signing deadline and the ban.
  await Promise.all([page.waitForNavigation(), page.locator('#available-homes a.button').first().click()]);
  assert.equal(await page.locator('#confirm-home').innerText(), firstHome);
  assert.equal(await page.locator('#confirm-sign-by').innerText().then((t) => t.slice(0, 10)), '2026-03-17');
  assert.match(await page.locator('#confirm-choice').innerText(), /2年内/);
  assert.match(await page.locator('#entrant-state').innerText(), /已叫号，请选房/); // nothing chosen yet
  await shot(page, '08b-choose-confirm');
  await page.check('#confirm-choose-tick');
  await Promise.all([page.waitForNavigation(), page.click('#confirm-choose')]);
  assert.equal(await page.locator('.banner.bad').count(), 0);
  assert.match(await page.locator('#entrant-state').innerText(), /已选房，待签约/);
  assert.match(await page.locator('#chosen-home').innerText(), new RegExp(firstHome));
  assert.equal(await page.locator('#sign-by').innerText(), '2026-03-17'); // 15 calendar days (Loudi 8(1)2)
  assert.match(await page.locator('body').innerText(), /第十四条/); // the give-up warning cites art. 14
  await shot(page, '09-chosen');
  // The language switch drops the query; the page still finds the family's entry.
  await page.click('a[lang="en"]');
  assert.match(await page.locator('#entrant-state').innerText(), /home chosen, contract pending/);
  await page.goto(`${anju.base}/projects/${PROJECT}/choose?lang=zh`);
  await logout(page);
  await page.close();
  page = desk;

  // --- The company signs the contract at the minimum down payment (Loudi 8(1)3).
  await login(page, 'company');
  await page.goto(`${anju.base}/projects/${PROJECT}`);
  assert.equal(await page.locator('#overdue-count').innerText(), '0');
  const priceFen = toFen(await page.locator(byId(`price-${app}`)).innerText());
  const minFen = (priceFen * 20n + 99n) / 100n; // the plan's 20%, rounded up to the fen
  assert.equal(toFen(await page.locator(byId(`min-down-${app}`)).innerText()), minFen);
  // One fen short of the minimum is refused with the article.
  await page.fill(byId(`contract-no-${app}`), 'YQ-2026-01-HT-001');
  await page.fill(byId(`down-payment-${app}`), toYuan(minFen - 1n));
  await page.fill(byId(`commercial-loan-${app}`), toYuan(priceFen - minFen + 1n));
  assert.match(await refused(page, `act-sign-${app}`), /阳政办发〔2022〕39号/);
  await page.goto(`${anju.base}/projects/${PROJECT}`);
  await page.fill(byId(`contract-no-${app}`), 'YQ-2026-01-HT-001');
  await page.fill(byId(`down-payment-${app}`), toYuan(minFen));
  await page.fill(byId(`pf-loan-${app}`), '0');
  await page.fill(byId(`commercial-loan-${app}`), toYuan(priceFen - minFen));
  await shot(page, '10-sign-form');
  await submit(page, `act-sign-${app}`);
  assert.match(await page.locator(`${byId(`entrant-1-${app}`)} .state`).innerText(), /^已签约$/);
  assert.equal(await page.locator(`#homes tr[data-home="${firstHome}"] .state`).innerText(), '已售');

  // Title with the article-18 annotation; a sale is then refused citing article 18.
  await page.fill(byId(`certificate-no-${firstHome}`), '晋(2026)阳泉市不动产权第0001234号');
  await submit(page, `act-register_title-${firstHome}`);
  const annotation = await page.locator(byId(`annotation-${firstHome}`)).innerText();
  assert.match(annotation, /^该房屋为配售型保障性住房，建设用地以划拨方式供应，实施封闭管理/);
  await shot(page, '11-titled');
  await page.selectOption(byId(`dealing-${firstHome}`), 'sale');
  const refusal = await refused(page, `act-dealing-${firstHome}`);
  assert.match(refusal, /封闭管理/);
  assert.match(refusal, /阳政办发〔2026〕2号 第十八条/);
  await shot(page, '12-sale-refused');
  // The purchase-loan mortgage is the one dealing allowed.
  await page.goto(`${anju.base}/projects/${PROJECT}`);
  await page.selectOption(byId(`dealing-${firstHome}`), 'purchase_loan_mortgage');
  await submit(page, `act-dealing-${firstHome}`);
  assert.match(await page.locator(byId(`title-${firstHome}`)).innerText(), /已登记：购房按揭贷款抵押/);
  await logout(page);

  // --- Anyone: the commitment, the masked results and the online check.
  await page.goto(`${anju.base}/projects/${PROJECT}`);
  assert.equal(await page.locator('#login-link').count(), 1);
  assert.equal((await page.locator('#commitment-1').innerText()).trim(), commitment);
  const results = await page.locator('#results-1').innerText();
  assert.match(results, new RegExp(app));
  assert.match(await page.locator(`${byId(`entrant-1-${app}`)} .masked-name`).innerText(), /^李\*英$/);
  assert.match(await page.locator(`${byId(`entrant-1-${app}`)} .masked-id`).innerText(), /^\d{6}\*{8}\d{3}[\dX]$/);
  assert.doesNotMatch(await page.locator('body').innerText(), /李秀英/);
  assert.equal(await page.locator('#titles').count(), 0, 'contracts and titles are not public');
  assert.match(await page.locator('#how-to-verify').innerText(), /anju lottery verify --entrants/);
  await shot(page, '13-public-project');
  assert.ok((await page.locator('#how-to-verify').innerText()).includes(`--reveal '${REVEAL2}'`));
  await Promise.all([page.waitForNavigation(), page.locator('#round-1 tr.draw[data-draw="2"] .verify-link').click()]);
  const verdict = await page.locator('#verify-result').innerText();
  assert.match(verdict, /^一致/);
  assert.doesNotMatch(verdict, /不一致/);
  assert.match(await page.locator('main').innerText(), new RegExp(commitment));
  assert.ok((await page.locator('main').innerText()).includes(REVEAL2));
  await shot(page, '14-verify');
  // The superseded draw stays published and checkable too.
  await page.goto(`${anju.base}/projects/${PROJECT}/rounds/1/draws/1/verify`);
  assert.match(await page.locator('#verify-result').innerText(), /^一致/);

  // English switch.
  await page.goto(`${anju.base}/projects/${PROJECT}?lang=en`);
  assert.match(await page.locator('#round-1 h2').innerText(), /Round 1/);
  assert.match(await page.locator(`${byId(`entrant-1-${app}`)} .state`).innerText(), /contract signed/);
  await shot(page, '15-public-project-en');
  await page.goto(`${anju.base}/projects/${PROJECT}?lang=zh`);
  await page.close();
});

test('allotment: the company writes a plan and imports homes; the bureau returns it with a reason', async () => {
  const page = await anju.browser.newPage();
  await login(page, 'company');
  await page.goto(`${anju.base}/projects`);
  await page.fill('#new-id', 'E2E-2026-09');
  await page.fill('#new-name', '郊区测试项目');
  await page.selectOption('#district', '140311');
  await page.check(byId('districts-140303'));
  await submit(page, 'create-project');
  assert.match(page.url(), /\/projects\/E2E-2026-09$/);
  assert.equal(await page.locator('#plan-status').innerText(), '草拟中');
  assert.match(await page.locator('main').innerText(), /140311 郊区、140303 矿区/);

  // The plan: every article-15 term; money in yuan, dates as dates.
  await page.fill('#plan-location', '阳泉市郊区荫营镇测试路1号');
  await page.fill('#plan-guided', '4000');
  await page.fill('#plan-lottery-rules', '公证随机值为开奖号码，两位数字以空格分隔。');
  await page.fill('#r1-opens', '2026-04-01');
  await page.fill('#r1-closes', '2026-04-30');
  await page.fill('#plan-buyback', '由实施主体按评估价格回购。');
  await page.selectOption('#plan-absent', 'pass_round');
  await shot(page, '16-plan-form');
  await submit(page, 'act-save_plan');
  const terms = await page.locator('#plan-terms').innerText();
  assert.match(terms, /4000 元\/㎡/);
  assert.match(terms, /第1轮选房期：2026-04-01 至 2026-04-30/);
  assert.match(terms, /未到场的家庭视为本轮放弃选房/);
  assert.match(terms, /20%/); // Yangquan's own floor (阳政办发〔2022〕39号)

  // A homes file with one good row, one priced above the guided price and one broken row.
  const csv = [
    '楼栋,单元,楼层,房号,建筑面积（㎡）,户型,朝向,房源类型（新建/收购/政府持有）,收购成本（元）,配售价格（元）',
    '1,1,3,301,80.00,两室两厅一卫,南,新建,,320000',
    '1,1,3,302,80.00,两室两厅一卫,南,新建,,320000.01',
    '1,1,3,303,8o,两室两厅一卫,南,收购,,300000',
  ].join('\n') + '\n';
  await page.setInputFiles('#homes-file', { name: 'homes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await submit(page, 'act-import_homes');
  assert.match(await page.locator('#import-summary').innerText(), /数据行：3 · 已导入房源：2 · 错误：2/);
  const errors = await page.locator('#import-errors').innerText();
  assert.match(errors, /4\s+建筑面积（㎡）/);
  assert.match(errors, /收购成本/);
  await shot(page, '17-homes-import');
  await Promise.all([page.waitForNavigation(), page.click('#back-to-project')]);

  // The price check cites article 17 and stops the submission.
  const check = await page.locator('#price-check').innerText();
  assert.match(check, /未通过/);
  assert.match(check, /房源1-1-302配售价格320000\.01元，高于政府指导价4000元\/㎡×80㎡=320000元/);
  assert.match(check, /第十七条/);
  assert.match(await refused(page, 'act-plan_submit'), /价格核定未通过/);

  // Corrected row: the check passes and the plan goes to the bureau.
  await page.goto(`${anju.base}/projects/E2E-2026-09`);
  await page.setInputFiles('#homes-file', { name: 'fix.csv', mimeType: 'text/csv', buffer: Buffer.from(csv.split('\n').slice(0, 1).concat('1,1,3,302,80.00,两室两厅一卫,南,新建,,318000', '').join('\n')) });
  await submit(page, 'act-import_homes');
  await Promise.all([page.waitForNavigation(), page.click('#back-to-project')]);
  assert.match(await page.locator('#price-check').innerText(), /通过： 2 套/);
  await submit(page, 'act-plan_submit');
  assert.equal(await page.locator('#plan-status').innerText(), '已报市住建局审批');
  await logout(page);

  // The bureau returns it; the company sees why and can edit again.
  await login(page, 'city');
  await page.goto(`${anju.base}/projects/E2E-2026-09`);
  assert.match(await refused(page, 'act-plan_return'), /退回须写明原因/);
  await page.goto(`${anju.base}/projects/E2E-2026-09`);
  await page.fill('#return-reason', '回购事宜须写明评估机构的确定方式');
  await submit(page, 'act-plan_return');
  assert.equal(await page.locator('#plan-status').innerText(), '已退回修改');
  await logout(page);
  await login(page, 'company');
  await page.goto(`${anju.base}/projects/E2E-2026-09`);
  assert.match(await page.locator('main').innerText(), /退回原因：回购事宜须写明评估机构的确定方式/);
  assert.equal(await page.locator('#act-save_plan').count(), 1);
  await shot(page, '18-plan-returned');
  // The public does not see a plan that is not published.
  await logout(page);
  const resp = await page.goto(`${anju.base}/projects/E2E-2026-09`);
  assert.equal(resp.status(), 404);
  await page.close();
});
