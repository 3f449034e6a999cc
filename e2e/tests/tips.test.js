// The public tip line (举报) in a real browser against `anju serve --demo`:
// anyone opens /tips without an account, at 1280 px and on a phone; a tip
// without its kind is refused beside the field with what was typed kept; a
// good tip gives a receipt number; /tips/status with it says received. The
// company's triage page /holdings/tips shows the demo's tips in their three
// states, refuses an attachment to a home that does not exist beside the
// home number (the form open, what was typed kept), then dismisses the tip
// with why; the reporter's status then says handled, and nothing more.
// Screenshots go to e2e/artifacts/tips-*.png (and -390 at phone width).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser, PHONE } from '../support.js';

const anju = anjuWithBrowser({ tag: 'tips', shotPrefix: 'tips-' });
const { shot, login, logout } = anju;

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

test('tips: from the public form to the company triage', async () => {
  // On a phone first: the form fits, and the refusal is said beside the field.
  const phone = await anju.browser.newPage({ viewport: PHONE });
  await phone.goto(`${anju.base}/tips`);
  await shot(phone, 'form');
  await phone.fill('#tip-address', '矿区某小区7栋2单元（浏览器测试）');
  await phone.fill('#tip-seen', '2026-02-27');
  await phone.fill('#tip-what', '每天有不同的人进出，门口贴着出租广告');
  await submit(phone, '#tip-go');
  assert.match(await phone.locator('#kind-error').innerText(), /请选择|选择/);
  assert.equal(await phone.inputValue('#tip-address'), '矿区某小区7栋2单元（浏览器测试）', 'the form is kept');
  assert.equal(await phone.inputValue('#tip-what'), '每天有不同的人进出，门口贴着出租广告');
  await shot(phone, 'form-error');

  // At 1280 px: the same form, now with its kind, gives a receipt.
  const page = await anju.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${anju.base}/tips`);
  await page.selectOption('#tip-kind', 'sublet');
  await page.fill('#tip-address', '矿区某小区7栋2单元（浏览器测试）');
  await page.fill('#tip-seen', '2026-02-27');
  await page.fill('#tip-what', '每天有不同的人进出，门口贴着出租广告');
  await submit(page, '#tip-go');
  const receipt = (await page.locator('#receipt-no').innerText()).trim();
  assert.match(receipt, /^JB-[0-9A-F]{16}$/);
  await shot(page, 'receipt');
  await page.goto(`${anju.base}/tips/status?receipt=${receipt}`);
  assert.match(await page.locator('#status-word').innerText(), /已收到/);
  assert.doesNotMatch(await page.locator('body').innerText(), /矿区某小区7栋/, 'nothing of the tip is shown back');
  await shot(page, 'status');
  await phone.close();

  // The company: the demo's tips in their three states, and the new one.
  await login(page, 'company');
  await page.goto(`${anju.base}/holdings/tips?status=all`);
  const all = await page.locator('#tips').innerText();
  assert.match(all, /待处理/);
  assert.match(all, /已并入年度核查/);
  assert.match(all, /不予采纳/);
  await shot(page, 'triage-all');
  await page.goto(`${anju.base}/holdings/tips`);
  const row = page.locator(`#tip-${receipt}`);
  await row.locator('summary').click();
  await page.fill(`#ta-p-${receipt}`, 'YQ-2025-01');
  await page.fill(`#ta-h-${receipt}`, '9-9-999');
  await page.selectOption(`#ta-f-${receipt}`, 'sublet');
  await page.fill(`#ta-n-${receipt}`, '上门核实：租客出示租赁合同');
  await submit(page, `#ta-go-${receipt}`);
  assert.match(await page.locator(`#ta-h-${receipt}-error`).innerText(), /不存在/);
  assert.equal(await page.inputValue(`#ta-h-${receipt}`), '9-9-999', 'what was typed is kept');
  assert.equal(await page.inputValue(`#ta-n-${receipt}`), '上门核实：租客出示租赁合同');
  assert.equal(await page.inputValue(`#ta-f-${receipt}`), 'sublet');
  await shot(page, 'triage-error');

  // Dismissed with why, confirmed; the reporter learns only that it was handled.
  await page.fill(`#td-n-${receipt}`, '经核实为房主本人亲属短住');
  await page.check(`#td-c-${receipt}`);
  await submit(page, `#td-go-${receipt}`);
  assert.match(await page.locator('.banner.good').innerText(), /.+/);
  assert.equal(await page.locator(`#tip-${receipt}`).count(), 0, 'no longer waiting');
  await shot(page, 'triage-done');
  await logout(page);
  await page.goto(`${anju.base}/tips/status?receipt=${receipt}`);
  assert.match(await page.locator('#status-word').innerText(), /已处理/);
  assert.doesNotMatch(await page.locator('body').innerText(), /亲属/, 'never what was found');
  await page.close();
});
