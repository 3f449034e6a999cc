// Every page fits a phone: signed out and as each demo role, every page
// the role reaches (the known routes plus every link found on the pages
// themselves) is opened at 390×844 in Chinese, and the test fails naming
// each page whose document is wider than the viewport (a table cut off, a
// digest that does not wrap, a form wider than the screen) or whose table
// cells are squeezed to a character a line. english.test.js does the same
// in English. The main pages are also photographed at 390 and 1280 px
// (e2e/artifacts/phone-*.png).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser, crawlSite, overflow, PHONE, ROLES } from '../support.js';

const anju = anjuWithBrowser({ tag: 'phone', shotPrefix: 'phone-' });

const DESKTOP = { width: 1280, height: 900 };

test('every page every role reaches fits a 390px phone', async () => {
  const problems = [];
  const reached = new Set();
  // English is walked (and measured) by english.test.js.
  for (const role of ROLES) {
    const seen = await crawlSite(anju, { role, lang: 'zh', problems }, async (page) => {
      const { problem } = await overflow(page);
      // A page that sends people to a file of the source tree the site
      // does not serve (docs/lottery.md) is as broken as one cut off.
      const text = await page.locator('body').innerText();
      const source = text.match(/\b(?:docs|tools)\/[\w.-]+\.(?:md|py)\b/);
      return [...(problem ? [problem] : []), ...(source ? [`points at the source tree: ${source[0]}`] : [])];
    });
    for (const p of seen) reached.add(p);
  }
  // The results of the forms that answer with a page: the self-check.
  const context = await anju.browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await page.goto(`${anju.base}/self-check`);
  await page.fill('#a_birth', '1988-05-10');
  await page.check('#a_resident');
  await page.fill('#a_income', '36000');
  await page.fill('#homes', '1');
  await page.fill('#area', '61');
  await Promise.all([page.waitForNavigation(), page.click('#check-submit')]);
  const { problem } = await overflow(page);
  if (problem) problems.push(`self-check result: ${problem}`);
  await context.close();
  assert.ok(reached.size > 20, `only ${reached.size} pages reached: ${[...reached].join(' ')}`);
  assert.deepEqual(problems, [], `pages that do not fit a phone:\n${problems.join('\n')}`);
});

// `shot` photographs a page at 390 px (name-390.png) and at 1280 px
// (name.png), and fails when it is wider than the phone.
test('screenshots of the main pages at 390 and 1280 px', async () => {
  const pages = [
    [null, 'home', '/'], [null, 'self-check', '/self-check'], [null, 'notices', '/notices'],
    [null, 'waitlist', '/waitlist'], [null, 'project', '/projects/YQ-2026-01'], [null, 'not-found', '/no-such-page'],
    [null, 'lottery', '/lottery'], ['family', 'apply', '/apply'], ['family-qualified', 'work', '/work'],
    ['bureau-140302', 'work', '/work'], ['company', 'project', '/projects/YQ-2026-01'],
    ['auditor', 'audit-log', '/audit-log'],
  ];
  const context = await anju.browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  let who = null;
  for (const [role, name, path] of pages) {
    if (role !== who) {
      if (who) await anju.logout(page);
      if (role) await anju.login(page, role);
      who = role;
    }
    await page.goto(`${anju.base}${path}`).catch(() => {});
    await anju.shot(page, `${role || 'public'}-${name}`);
  }
  // The qualified family's application (its 配售进展 table).
  await anju.logout(page);
  await anju.login(page, 'family-qualified');
  await page.goto(`${anju.base}/work`);
  await Promise.all([page.waitForNavigation(), page.locator('a[href^="/applications/"]').first().click()]);
  await anju.shot(page, 'family-qualified-application');
  await context.close();
});
