// Self-check → application with the facts prefilled → save a draft →
// resume it from "我的草稿" → submit → upload a material on the
// application page (issue 12 features 18 and 19), at 390 px, in a real
// browser against a real `anju serve`. Screenshots in e2e/artifacts/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser, PASSWORD } from '../support.js';

const anju = anjuWithBrowser({ tag: 'drafts', shotPrefix: 'drafts-' });
const { shot } = anju;

function residentId(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

test('self-check → prefilled form → draft → resume → submit → upload', async () => {
  const context = await anju.browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();

  // A visitor checks the family's facts, not signed in.
  await page.goto(`${anju.base}/self-check`);
  await page.selectOption('#region', '140302');
  await page.fill('#a_birth', '1987-03-15');
  await page.check('#a_married');
  await page.check('#a_resident');
  await page.check('#a_hukou');
  await page.check('#a_labor_contract');
  await page.fill('#a_income', '46000');
  await page.fill('#a_si', '48');
  await page.fill('#homes', '0');
  await Promise.all([page.waitForNavigation(), page.click('#check-submit')]);
  await shot(page, '01-self-check-result');

  // "用这些信息申请": sign in first; the facts are not lost.
  await Promise.all([page.waitForNavigation(), page.click('#apply-with-facts')]);
  assert.match(page.url(), /\/login\?next=/);
  await page.fill('#username', 'family');
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('#login-submit')]);
  assert.match(page.url(), /\/apply\/from-self-check/);
  assert.equal(await page.inputValue('#a_income'), '46000');
  assert.equal(await page.inputValue('#a_si'), '48');
  assert.match(await page.locator('#materials-heading').innerText(), /阳政办发〔2026〕2号 第十三条/);
  await shot(page, '02-apply-prefilled');

  // Add who the family is, and save as a draft (nothing else is checked).
  await page.fill('#a_name', '韩立新');
  await page.fill('#a_id', residentId('14030219870315123'));
  await Promise.all([page.waitForNavigation(), page.click('#draft-save')]);
  assert.match(page.url(), /\/apply\?draft=/);
  assert.match(await page.locator('#done').innerText(), /草稿已保存/);
  await shot(page, '03-draft-saved');

  // "我的草稿" on the workspace; resume it.
  await page.goto(`${anju.base}/work`);
  assert.match(await page.locator('#drafts').innerText(), /韩立新/);
  await shot(page, '04-my-drafts');
  await Promise.all([page.waitForNavigation(), page.locator('#drafts a.button').first().click()]);
  assert.equal(await page.inputValue('#a_name'), '韩立新');
  assert.equal(await page.inputValue('#a_income'), '46000');

  // Submit: the draft goes with it.
  for (const m of ['application_form', 'identity', 'hukou_or_residence_proof', 'marriage_proof', 'income', 'social_insurance', 'property_query']) {
    await page.check(`#m_${m}`);
  }
  await page.check('#signed_commitment');
  await page.check('#consent');
  await Promise.all([page.waitForNavigation(), page.click('#apply-submit')]);
  assert.equal(await page.locator('.banner.bad').count(), 0, await page.content());
  assert.match(page.url(), /\/applications\//);
  const appUrl = page.url().split('?')[0].split('#')[0];
  assert.match(await page.locator('#materials').innerText(), /尚未上传材料/);
  await shot(page, '05-application-materials');

  await page.goto(`${anju.base}/work`);
  assert.match(await page.locator('#drafts').innerText(), /没有草稿/);

  // Upload: a file pretending to be a PDF is refused beside the field.
  await page.goto(`${appUrl}/materials`);
  await page.selectOption('#material', 'marriage');
  await page.setInputFiles('#file', { name: '结婚证.pdf', mimeType: 'application/pdf', buffer: Buffer.from('GIF89a not a pdf') });
  await Promise.all([page.waitForNavigation(), page.click('#upload-submit')]);
  assert.match(await page.locator('#file-error').innerText(), /只接收/);
  assert.equal(await page.inputValue('#material'), 'marriage');
  await shot(page, '06-upload-refused');

  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
  await page.setInputFiles('#file', { name: '结婚证.pdf', mimeType: 'application/pdf', buffer: pdf });
  await Promise.all([page.waitForNavigation(), page.click('#upload-submit')]);
  assert.match(await page.locator('#done').innerText(), /已上传/);
  assert.match(await page.locator('#material-files').innerText(), /结婚证\.pdf/);
  await shot(page, '07-uploaded');
  await context.close();
});
