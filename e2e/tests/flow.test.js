// A family applies online and staff take the application through initial
// review, department verification, the engine's decision and the public
// notice to the district waitlist — in a real browser (Debian's chromium
// driven by playwright-core), against a real `anju serve` on SQLite.
// Screenshots of every main page are kept in e2e/artifacts/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser } from '../support.js';

const anju = anjuWithBrowser({ tag: 'flow', shotPrefix: '' });
const { shot, login, logout } = anju;

// GB 11643 check character.
function residentId(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

async function act(page, action) {
  await Promise.all([page.waitForNavigation(), page.click(`#act-${action}`)]);
  const banner = await page.locator('.banner.bad').count();
  assert.equal(banner, 0, `action ${action} failed: ${banner ? await page.locator('.banner.bad').innerText() : ''}`);
}

test('public pages: home, self-check with every reason, notices', async () => {
  const page = await anju.browser.newPage();
  await page.goto(anju.base);
  assert.match(await page.title(), /安居/);
  await shot(page, '01-home');
  await page.click('#go-self-check');
  await page.fill('#a_birth', '1988-05-10');
  await page.check('#a_resident');
  await page.fill('#a_income', '36000');
  await page.fill('#homes', '1');
  await page.fill('#area', '61');
  await Promise.all([page.waitForNavigation(), page.click('#check-submit')]);
  const text = await page.locator('#reasons').innerText();
  assert.match(text, /人均住房建筑面积 61(\.00)?㎡，超过 20㎡/);
  assert.match(text, /第十条（一）2/);
  await shot(page, '02-self-check-result');
  await page.goto(`${anju.base}/self-check?lang=en`);
  assert.match(await page.locator('h1').innerText(), /Eligibility self-check/);
  await page.goto(`${anju.base}/self-check?lang=zh`);
  await page.close();
});

test('a family applies online and staff take it to the waitlist', async () => {
  const page = await anju.browser.newPage();
  await login(page, 'family');
  await page.goto(`${anju.base}/apply`);
  await page.selectOption('#region', '140302');
  await page.fill('#a_name', '赵志强');
  await page.fill('#a_id', residentId('14030219880510123'));
  await page.check('#a_married');
  await page.check('#a_resident');
  await page.check('#a_hukou');
  await page.check('#a_labor_contract');
  await page.fill('#a_income', '48000');
  await page.fill('#a_si', '60');
  await page.check('#s_present');
  await page.fill('#s_name', '钱丽娟');
  await page.fill('#s_id', residentId('14030219900220124'));
  await page.fill('#s_income', '30000');
  for (const m of ['application_form', 'identity', 'hukou_or_residence_proof', 'marriage_proof', 'income', 'social_insurance', 'property_query']) {
    await page.check(`#m_${m}`);
  }
  await page.check('#signed_commitment');
  await page.check('#consent');
  // The optional housing preference (issue 15), counted by the demand survey.
  await page.selectOption('#pref_size', 'main');
  await page.fill('#pref_layout', '两室一厅');
  await page.fill('#pref_location', '南山公园附近');
  await shot(page, '03-apply-form');
  await Promise.all([page.waitForNavigation(), page.click('#apply-submit')]);
  assert.equal(await page.locator('.banner.bad').count(), 0, await page.content());
  const url = page.url();
  const id = url.match(/applications\/([^?]+)/)[1];
  assert.match(await page.locator('#status').innerText(), /已提交/);
  assert.match(await page.locator('#preference').innerText(), /70–120㎡.*两室一厅.*南山公园附近/);
  await shot(page, '04-application-submitted');
  await logout(page);

  await login(page, 'street-140302');
  await page.goto(`${anju.base}/work`);
  assert.match(await page.locator('#applications').innerText(), new RegExp(id));
  await shot(page, '05-street-workspace');
  await page.goto(`${anju.base}/applications/${id}`);
  await act(page, 'street_pass');
  await logout(page);

  for (const d of ['public_security', 'civil_affairs', 'natural_resources', 'human_resources', 'provident_fund']) {
    await login(page, `verifier-${d}`);
    await page.goto(`${anju.base}/applications/${id}`);
    if (d === 'public_security') await shot(page, '06-verifier-detail');
    await act(page, 'department_confirm');
    if (d === 'natural_resources') {
      await page.goto(`${anju.base}/verify/${d}`);
      await shot(page, '07-verify-by-file');
    }
    await logout(page);
  }

  await login(page, 'bureau-140302');
  await page.goto(`${anju.base}/applications/${id}`);
  await act(page, 'record_decision');
  assert.match(await page.locator('#reasons').innerText(), /第十条（一）3/);
  // The page offers what comes next, not the decision again, and says
  // what was done once: not again on reloading or switching language.
  assert.match(await page.locator('#done').innerText(), /记录资格判定/);
  assert.equal(await page.locator('#act-record_decision').count(), 0, 'the decision is offered again');
  assert.equal(await page.locator('#act-start_notice').count(), 1);
  await shot(page, '08-decision');
  await page.reload();
  assert.equal(await page.locator('#done').count(), 0, 'the banner came back on reload');
  await Promise.all([page.waitForNavigation(), page.click('a[data-lang]')]);
  assert.equal(await page.locator('#done').count(), 0, 'the banner came back after the language switch');
  await Promise.all([page.waitForNavigation(), page.click('a[data-lang]')]);
  await act(page, 'start_notice');
  assert.match(await page.locator('#status').innerText(), /公示/);
  await logout(page);

  await page.goto(`${anju.base}/notices`);
  const notices = await page.locator('#notice-table').innerText();
  assert.match(notices, /赵\*强/);
  assert.match(notices, /140302\*{8}\d{3}[\dX]/);
  assert.doesNotMatch(notices, /赵志强/);
  // The notice says which group the family qualifies in and its round.
  assert.match(notices, /住房困难且收入不高的工薪家庭/);
  await shot(page, '09-public-notice');

  // Walk past the 5-working-day notice: restart the server a week later.
  await anju.restart('2026-03-09');
  await login(page, 'bureau-140302');
  await page.goto(`${anju.base}/applications/${id}`);
  await act(page, 'qualify');
  assert.match(await page.locator('#status').innerText(), /取得配售资格|已取得|资格/);
  assert.ok(Number(await page.locator('#waitlist-place').innerText()) >= 1);
  await shot(page, '10-qualified-waitlist');
  await logout(page);

  await login(page, 'auditor');
  await page.goto(`${anju.base}/audit-log`);
  assert.match(await page.locator('.banner').first().innerText(), /审计链完整/);
  await shot(page, '11-audit-log');
  await page.close();
});
