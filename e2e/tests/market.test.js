// Market regulation in a real browser against `anju serve --demo` on
// 2026-11-29: the market regulator sees the synthetic two years of
// figures, the destocking chart drawn by the vendored ECharts (no
// Content-Security-Policy complaint), imports November's sales for 城区
// and reads the new band on the dashboard; a project's fund ledger and the
// plot-ratio calculator answer with their articles. Screenshots go to
// e2e/artifacts/market-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anjuWithBrowser } from '../support.js';

const anju = anjuWithBrowser({ tag: 'market', today: '2026-11-29', shotPrefix: 'market-' });
const { shot, login } = anju;

const band = (page) => page.locator('#destock-table tr[data-district="城区"][data-type="住宅"] .band').innerText();

test('market: the dashboard, a month imported moves the band, a fund ledger, the calculator', async () => {
  const page = await anju.browser.newPage();
  await login(page, 'market');
  await page.click('#go-market');
  for (const id of ['destock-chart', 'land-chart', 'idle-chart', 'funds-chart']) {
    await page.waitForSelector(`#${id}[data-drawn="true"]`);
  }
  // 城区's synthetic profile: about 8 months of stock — "increase".
  assert.equal(await band(page), '增加供地');
  assert.match(await page.locator('#parcel-table').innerText(), /闲置满1年/);
  await shot(page, 'dashboard');

  // November: 1,000 m² sold, 200,000 m² unsold → about 24 months: "reduce".
  const dir = mkdtempSync(join(tmpdir(), 'anju-market-'));
  const file = join(dir, 'november.csv');
  writeFileSync(file, '县区代码,住房类型,月份,网签套数,网签面积（㎡）,月末可售面积（㎡）\n140302,住宅,2026-11,10,1000,200000\n');
  await page.setInputFiles('#monthly-upload input[type=file]', file);
  await Promise.all([page.waitForNavigation(), page.click('#monthly-upload button')]);
  assert.match(await page.locator('#done').innerText(), /已导入/);
  assert.equal(await band(page), '适当减少供地');
  const row = await page.locator('#destock-table tr[data-district="城区"][data-type="住宅"]').innerText();
  assert.match(row, /2026-11/);

  // A bad row is reported by row and column, and nothing is lost silently.
  writeFileSync(file, '县区代码,住房类型,月份,网签套数,网签面积（㎡）,月末可售面积（㎡）\n140302,住宅,2026-13,10,1000,200000\n');
  await page.setInputFiles('#monthly-upload input[type=file]', file);
  await Promise.all([page.waitForNavigation(), page.click('#monthly-upload button')]);
  assert.match(await page.locator('#import-errors').innerText(), /月份/);
  await shot(page, 'import-errors');

  // A project's ledger: a release over the allowance is refused and recorded.
  await page.goto(`${anju.base}/market/projects/140302/KF-2025-01`);
  await page.selectOption('#fund-form select[name=kind]', 'release');
  await page.fill('#fund-form input[name=amount_yuan]', '999999999');
  await Promise.all([page.waitForNavigation(), page.click('#fund-form button')]);
  assert.match(await page.locator('#done').innerText(), /不予拨付/);
  assert.equal(await page.locator('#ledger tr[data-kind="refused"]').count(), 1);
  await shot(page, 'project');

  // The calculator: a 2.2 m deep balcony, item by item with the article.
  await page.goto(`${anju.base}/market/plot?site=10000&ratio=2.5&ordinary=20000&homes=10&internal=100&home_area=200&balcony_w=4&balcony_d=2.2`);
  const items = await page.locator('#plot-items').innerText();
  assert.match(items, /二（二）1（3）/);
  // Yangquan has no counting rules: the page names Ordos's document as a reference.
  const basis = await page.locator('#plot-basis').innerText();
  assert.match(basis, /参考计算/);
  assert.match(basis, /鄂府发〔2025〕34号（鄂尔多斯市）/);
  await shot(page, 'plot');
});
