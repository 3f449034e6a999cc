// The university lists of 阳政办发〔2022〕39号 二（三） in a real browser against
// `anju serve --demo`: the public reads the lists with each addition's
// source (the demo's labelled sample), in Chinese and English; the talent
// office adds a university by form at 1280 px (a missing source refused
// beside its field), adds by file (a bad line: nothing added and the line
// named; corrected: added, the duplicate reported), and withdraws an entry
// at 390 px (the confirmation refused, then given). The names and sources
// typed here are test data. Screenshots go to e2e/artifacts/uni-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser, overflow, PHONE } from '../support.js';

const anju = anjuWithBrowser({ tag: 'uni', shotPrefix: 'uni-' });
const { shot, login } = anju;
const WIDE = { width: 1280, height: 900 };

async function submit(page, id) {
  await Promise.all([page.waitForNavigation(), page.click(`#${id}`)]);
}

test('the public reads the lists and their sources, in both languages', async () => {
  const page = await anju.browser.newPage({ viewport: WIDE });
  await page.goto(`${anju.base}/universities`);
  assert.match(await page.locator('h1').innerText(), /人才补贴高校名单/);
  assert.match(await page.locator('#lists-partial').innerText(), /节选/);
  const dfc = await page.locator('#additions-double_first_class').innerText();
  assert.match(dfc, /演示示例大学（演示数据）/);
  assert.match(dfc, /仅供演示/);
  assert.match(await page.locator('#shipped-double_first_class').textContent(), /山西大学/);
  assert.equal(await page.locator('#add-form').count(), 0, 'read-only for the public');
  await shot(page, 'public');
  await page.fill('#q', 'hong kong');
  await submit(page, 'search-submit');
  assert.match(await page.locator('#shipped-world_top200').innerText(), /香港大学/);
  assert.doesNotMatch(await page.locator('#list-double_first_class').textContent(), /山西大学/);
  await page.goto(`${anju.base}/universities?lang=en`);
  assert.match(await page.locator('h1').innerText(), /University lists for talent subsidies/);
  assert.match(await page.locator('#list-double_first_class h2').innerText(), /Double First-Class/);
  await shot(page, 'public-en');
  await page.goto(`${anju.base}/universities?lang=zh`);
  await page.close();
});

test('the talent office adds by form and by file, and withdraws with confirmation', async () => {
  const page = await anju.browser.newPage({ viewport: WIDE });
  await login(page, 'talent');
  await page.goto(`${anju.base}/subsidy-cases`);
  await submit(page, 'go-universities');
  assert.match(page.url(), /\/universities$/);

  // By form: the source is required, shown beside its field.
  await page.selectOption('#list', 'world_top200');
  await page.fill('#name_zh', '测试理工学院');
  await page.fill('#other_names', 'Test Institute of Technology');
  await page.fill('#source_ref', 'https://example.org/rankings-test');
  await page.fill('#effective', '2025-06-19');
  await submit(page, 'add-submit');
  assert.match(await page.locator('#source_title-error').innerText(), /来源文件/);
  assert.equal(await page.inputValue('#name_zh'), '测试理工学院', 'what was typed is kept');
  await shot(page, 'add-refused');
  await page.fill('#source_title', '测试用来源（非官方）');
  await submit(page, 'add-submit');
  assert.match(await page.locator('#done').innerText(), /已补录/);
  const top = await page.locator('#additions-world_top200').innerText();
  assert.match(top, /测试理工学院/);
  assert.match(top, /Test Institute of Technology/);

  // By file: one bad line, nothing added.
  const head = '名单,高校名称,其他名称,来源文件,网址或文号,生效日期\nlist,name_zh,other_names,source_title,source_ref,effective\n';
  const good = '双一流,测试师范大学,,测试用来源（非官方）,测试〔2026〕2号,2022-02-14\n';
  const dup = '双一流,山西大学,,测试用来源（非官方）,测试〔2026〕2号,2022-02-14\n';
  const bad = '双一流,测试医科大学,,,测试〔2026〕2号,2022-02-14\n';
  await page.setInputFiles('#file', { name: 'universities.csv', mimeType: 'text/csv', buffer: Buffer.from(head + good + bad) });
  await submit(page, 'import-submit');
  assert.match(await page.locator('#import-nothing').innerText(), /一行也未补录/);
  assert.match(await page.locator('#import-errors').innerText(), /第 4 行/);
  assert.doesNotMatch(await page.locator('#list-double_first_class').innerText(), /测试师范大学/);
  await shot(page, 'import-refused');
  await page.setInputFiles('#file', { name: 'universities.csv', mimeType: 'text/csv', buffer: Buffer.from(head + good + dup) });
  await submit(page, 'import-submit');
  assert.equal(await page.locator('#import-added').innerText(), '1');
  assert.equal(await page.locator('#import-duplicates').innerText(), '1');
  assert.match(await page.locator('#import-dups').innerText(), /第 4 行.*已在/);
  assert.match(await page.locator('#additions-double_first_class').innerText(), /测试师范大学/);
  await shot(page, 'import-taken');

  // Withdraw at 390 px: the confirmation first.
  await page.setViewportSize(PHONE);
  await page.goto(`${anju.base}/universities?q=${encodeURIComponent('测试理工学院')}`);
  const form = page.locator('details[id^="withdraw-"]').first();
  await form.locator('summary').click();
  await form.locator('input[name="reason"]').fill('测试：误录');
  await Promise.all([page.waitForNavigation(), form.locator('button').click()]);
  assert.match(await page.locator('#confirm-error').innerText(), /确认/);
  const again = page.locator('details[open]');
  await again.locator('input[name="confirm"]').check();
  await Promise.all([page.waitForNavigation(), again.locator('button').click()]);
  assert.match(await page.locator('#done').innerText(), /已撤回/);
  assert.match(await page.locator('#additions-world_top200').innerText(), /已撤回.*测试：误录/s);
  const fit = await overflow(page);
  assert.equal(fit.problem, '', fit.problem);
  await shot(page, 'withdrawn');
  await page.close();
});
