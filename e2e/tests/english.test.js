// English mode shows words, never anju's internal names: signed out and as
// each demo role, every page the role reaches is opened in English (at
// 390 px, so it is measured for a phone too), and the test fails naming
// the page and the text when the visible text holds an enum variant
// (`StreetPass`, `ReturnedForCorrection`), a code (`record_decision`,
// `urban_disposable_income_per_capita`) or a Debug-formatted role
// (`Verifier(PublicSecurity)`). The decision's conditions are in English,
// and the language switch keeps the page's query string.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser, crawlSite, overflow, PHONE, ROLES } from '../support.js';

const anju = anjuWithBrowser({ tag: 'english', shotPrefix: 'en-' });

// What an internal name looks like in running English text.
const INTERNAL = [
  [/\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b/g, 'an enum name (CamelCase)'],
  // snake_case, but not a file name the page offers (entrants.csv is fine,
  // lottery_reference.py is the download's name).
  [/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b(?!\.[a-z])/g, 'a code (snake_case)'],
  [/\b[A-Z]\w*\([A-Z]\w*\)/g, 'a Debug-formatted value'],
];

// Names that are words in English prose.
const ALLOWED = new Set(['PostgreSQL', 'OpenAPI', 'SQLite', 'JavaScript']);

// The visible text, less what is shown as it is on purpose: <code>
// (digests, file names) and names marked translate="no" (account names).
export async function internalNames(page) {
  const text = await page.evaluate(() => {
    const body = document.body.cloneNode(true);
    for (const el of body.querySelectorAll('code, [translate="no"], script, style')) el.remove();
    document.documentElement.appendChild(body);
    const t = body.innerText;
    body.remove();
    return t;
  });
  const found = [];
  for (const [re, what] of INTERNAL) {
    for (const m of text.matchAll(re)) {
      if (ALLOWED.has(m[0])) continue;
      const at = text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30).replace(/\s+/g, ' ');
      found.push(`${what} “${m[0]}” in “…${at}…”`);
    }
  }
  return [...new Set(found)].slice(0, 8);
}

test('every page in English shows words, not internal names, and fits a phone', async () => {
  const problems = [];
  for (const role of ROLES) {
    await crawlSite(anju, { role, lang: 'en', problems }, async (page) => {
      const { problem } = await overflow(page);
      return [...(problem ? [problem] : []), ...await internalNames(page)];
    });
  }
  // The self-check result: conditions in English, the figures in words.
  const context = await anju.browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await page.goto(`${anju.base}/self-check?lang=en`);
  await page.fill('#a_birth', '1988-05-10');
  await page.check('#a_resident');
  await page.fill('#a_income', '36000');
  await page.fill('#homes', '1');
  await page.fill('#area', '61');
  await Promise.all([page.waitForNavigation(), page.click('#check-submit')]);
  for (const p of await internalNames(page)) problems.push(`self-check result (en): ${p}`);
  const rows = await page.locator('#reasons tr.ok td:nth-child(2), #reasons tr.fail td:nth-child(2)').allInnerTexts();
  assert.ok(rows.length > 3, 'the decision lists its conditions');
  for (const r of rows) {
    if (!/[A-Za-z]{3}/.test(r)) problems.push(`self-check result (en): a condition without English: ${r}`);
  }
  await anju.shot(page, 'self-check-result');
  await context.close();
  assert.deepEqual(problems, [], `English pages with internal names (or too wide):\n${problems.join('\n')}`);
});

test('the language switch keeps the query string and throws nothing', async () => {
  const page = await anju.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await anju.login(page, 'street-140302');
  await page.goto(`${anju.base}/work?status=submitted&sort=oldest`);
  await Promise.all([page.waitForNavigation(), page.click('a[data-lang]')]);
  let u = new URL(page.url());
  assert.equal(u.searchParams.get('status'), 'submitted');
  assert.equal(u.searchParams.get('sort'), 'oldest');
  assert.equal(u.searchParams.get('lang'), 'en');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  // Back to Chinese: `lang` is replaced, not added twice.
  await Promise.all([page.waitForNavigation(), page.click('a[data-lang]')]);
  u = new URL(page.url());
  assert.deepEqual(u.searchParams.getAll('lang'), ['zh']);
  assert.equal(u.searchParams.get('status'), 'submitted');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the public home page says the statistic it assumes in words', async () => {
  const page = await anju.browser.newPage();
  for (const lang of ['zh', 'en']) {
    await page.goto(`${anju.base}/?lang=${lang}`);
    const text = await page.locator('main').innerText();
    assert.doesNotMatch(text, /urban_disposable_income_per_capita|=\s*\d/, lang);
  }
  assert.match(await page.locator('main').innerText(), /per-capita disposable income/i);
  await page.close();
});
