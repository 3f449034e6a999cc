// Spreadsheets and messages as a clerk meets them (issue 12 item 14 and the
// sweep of English inside Chinese messages): a department's template has
// the Chinese header with the field codes under it; the file comes back
// with a bad row and the result page gives the reason in the page's
// language only (Chinese, then English); the header names the signed-in
// role once; a record that does not exist is said in one language.
// Screenshots: e2e/artifacts/sheets-*.png (and -390 at phone width).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser } from '../support.js';

const anju = anjuWithBrowser({ tag: 'sheets', shotPrefix: 'sheets-' });
const { shot, login, logout } = anju;

const CJK = /[\u4e00-\u9fff]/;
// A bracketed English gloss inside Chinese text: `持有房屋 (held home)`.
const GLOSS = /[\u4e00-\u9fff]\s*\([A-Za-z]/;

async function upload(page, name, text) {
  await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await Promise.all([page.waitForNavigation(), page.click('#upload-submit')]);
}

test('a department file: Chinese header, codes row, reasons in one language', async () => {
  const page = await anju.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(page, 'verifier-public_security');
  const who = await page.locator('#signed-in-as').innerText();
  assert.match(who, /^[^（）]+核验员（[^（）]+）$/, `the role said once: ${who}`);
  await page.goto(`${anju.base}/verify/public_security`);
  await shot(page, 'verify');
  const res = await page.request.get(`${anju.base}/api/v1/verification/public_security/template.csv`);
  const lines = (await res.text()).replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l);
  assert.match(lines[0], /^申请编号,身份证号,姓名,成员序号/, 'the Chinese header');
  assert.match(lines[1], /^application_id,resident_id,name,member/, 'the codes under it');
  // Back with a row whose ID Excel turned into a number.
  await upload(page, '核验结果.csv', [lines[0], lines[1], 'YQ-NOPE,1.40311E+17,某某,1'].join('\n') + '\n');
  const reasons = await page.locator('#import-errors').innerText();
  assert.match(reasons, /身份证号被表格软件当成了数字/);
  assert.doesNotMatch(reasons, GLOSS, 'no English inside the Chinese');
  assert.doesNotMatch(reasons, /\(the spreadsheet/);
  await shot(page, 'verify-result');
  // The same in English: the reason in English only (the file headed by
  // the Chinese row alone this time).
  await page.goto(`${anju.base}/verify/public_security?lang=en`);
  await upload(page, 'results.csv', [lines[0], 'YQ-NOPE2,1.40311E+17,某某,1'].join('\n') + '\n');
  const en = await page.locator('#import-errors tbody').innerText();
  assert.match(en, /the spreadsheet turned the ID into a number/);
  assert.doesNotMatch(en.replace('某某', ''), CJK, `no Chinese in the English reasons: ${en}`);
  assert.doesNotMatch(await page.locator('#import-summary').innerText(), CJK);
  await shot(page, 'verify-result-en');
  await page.goto(`${anju.base}/work?lang=zh`);
  await logout(page);
});

test('the role once in the header; a missing record said in one language', async () => {
  const page = await anju.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(page, 'company');
  assert.equal(await page.locator('#signed-in-as').innerText(), '市保障房公司（实施主体）');
  await shot(page, 'company-work');
  const res = await page.goto(`${anju.base}/holdings/homes/YQ-NOPE/9-9-999`);
  assert.equal(res.status(), 404);
  const zh = await page.locator('.banner.bad').innerText();
  assert.match(zh, /不存在/);
  assert.doesNotMatch(zh, /[A-Za-z]/, `Chinese only: ${zh}`);
  await shot(page, 'not-found');
  await page.goto(`${anju.base}/holdings/homes/YQ-NOPE/9-9-999?lang=en`);
  const en = await page.locator('.banner.bad').innerText();
  assert.match(en, /not found/);
  assert.doesNotMatch(en, CJK, `English only: ${en}`);
  assert.doesNotMatch(await page.locator('#signed-in-as').innerText(), /（/);
  await shot(page, 'not-found-en');
  await page.goto(`${anju.base}/work?lang=zh`);
  await logout(page);
});
