// Lists that scale (issue 12 feature 15) in a real browser against
// `anju serve --demo`: the street searches its work list, filters it by
// state with counts, and passes a checked set in one batch after ticking
// the confirmation — each family still gets its own recorded step.
// Screenshots go to e2e/artifacts/lists-*.png (and -390).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser, PHONE } from '../support.js';

const anju = anjuWithBrowser({ tag: 'lists', shotPrefix: 'lists-' });
const { shot, login } = anju;

test('work list: search, filters with counts, a confirmed batch step', async () => {
  const page = await anju.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(page, 'street-140302');
  await page.goto(`${anju.base}/work`);
  // Counts beside each state.
  assert.match(await page.locator('#status-filters').innerText(), /已提交，待街道初审 \(\d+\)/);
  // A search by a surname typed in the filter form.
  await page.click('.list-filters summary');
  await page.selectOption('#f_sort', 'oldest');
  await page.fill('#f_from', '2026-03-01');
  await page.fill('#f_to', '2026-01-01');
  await Promise.all([page.waitForNavigation(), page.click('#filter-submit')]);
  assert.match(await page.locator('#filter-errors').innerText(), /结束日期早于开始日期/);
  assert.equal(await page.inputValue('#f_to'), '2026-01-01', 'what was typed is kept');
  assert.equal(await page.inputValue('#f_sort'), 'oldest', 'the filters that are right still apply');
  await shot(page, 'filter-error');

  await page.goto(`${anju.base}/work?status=submitted`);
  const boxes = page.locator('#applications tbody input[type=checkbox][name=id]');
  const n = await boxes.count();
  assert.ok(n >= 1, `the demo has submissions waiting for the street (${n})`);
  const first = await boxes.nth(0).getAttribute('value');
  // "Select this page" ticks every row.
  await page.check('input[data-check-all]');
  assert.equal(await page.locator('#applications tbody input[name=id]:checked').count(), n);
  await shot(page, 'bulk');
  // The browser itself refuses the batch until the confirmation is ticked.
  await page.click('#bulk-submit');
  assert.equal(page.url().endsWith('/work?status=submitted'), true, 'not sent without the tick');
  await page.check('#bulk-confirm');
  await Promise.all([page.waitForNavigation(), page.click('#bulk-submit')]);
  assert.match(await page.locator('#bulk-summary').innerText(), new RegExp(`已办理 ${n} 户`));
  assert.ok((await page.locator('#bulk-results').innerText()).includes(first));
  await shot(page, 'bulk-result');

  // Each application shows its own step in its history.
  await page.goto(`${anju.base}/applications/${encodeURIComponent(first)}`);
  assert.match(await page.locator('body').innerText(), /街道初审通过/);

  // A project's homes: counts per state and layout, narrowed on request.
  await page.goto(`${anju.base}/projects/YQ-2026-01`);
  await page.selectOption('#f_homes', 'available');
  await Promise.all([page.waitForNavigation(), page.click('#homes-filter-submit')]);
  assert.match(await page.locator('#homes-count').innerText(), /显示 \d+ \/ \d+ 套/);
  const states = await page.locator('#homes td.state').allInnerTexts();
  assert.ok(states.length > 0 && states.every((x) => x === '可选'), states.join(','));
  await shot(page, 'homes');

  // The family-sized screen: the filter form and list fit a phone.
  const phone = await anju.browser.newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
  await login(phone, 'street-140302');
  await phone.goto(`${anju.base}/work?q=${encodeURIComponent('王')}`);
  await shot(phone, 'search');
});
