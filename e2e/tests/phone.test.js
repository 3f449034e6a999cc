// Every page fits a phone: signed out and as each demo role, every page
// the role reaches (the known routes plus every link found on the pages
// themselves) is opened at 390×844, and the test fails naming each page
// whose document is wider than the viewport (a table cut off, a digest
// that does not wrap, a form wider than the screen). The main pages are
// also photographed at 390 and 1280 px (e2e/artifacts/phone-*.png).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anjuWithBrowser, overflow, PHONE } from '../support.js';

const anju = anjuWithBrowser({ tag: 'phone', shotPrefix: 'phone-' });

const DESKTOP = { width: 1280, height: 900 };

// Routes every role is sent to, whether or not a page links there.
const KNOWN = [
  '/', '/self-check', '/apply', '/notices', '/notices?print=1', '/waitlist', '/work', '/projects',
  '/projects/YQ-2026-01', '/projects/PD-2026-01', '/audit-log', '/login',
  '/lottery', '/no-such-page', '/applications/A-0000-000000',
  '/verify/public_security', '/verify/natural_resources',
];

const ROLES = [
  null, 'family', 'family-qualified', 'community-140302', 'street-140302', 'bureau-140302',
  'verifier-public_security', 'city', 'company', 'auditor',
];

// Links worth following: same site, a page (not a download, not the
// language switch, not signing out), one page of each paged list.
function followable(base, href) {
  if (!href || !href.startsWith(base)) return null;
  const u = new URL(href);
  if (u.pathname.startsWith('/static/') || u.pathname.startsWith('/api/')) return null;
  if (/\.(xlsx|csv|py|json|txt)$/.test(u.pathname)) return null;
  if (u.searchParams.has('format') || u.searchParams.has('download')) return null;
  if (u.searchParams.has('lang') || u.searchParams.has('page') || u.searchParams.has('before')) return null;
  u.hash = '';
  return u.pathname + u.search;
}

async function crawl(role, lang, problems) {
  const context = await anju.browser.newContext({ viewport: PHONE });
  let page = await context.newPage();
  // The language is a cookie: English words are longer and wrap elsewhere.
  await page.goto(`${anju.base}/?lang=${lang}`);
  if (role) await anju.login(page, role);
  const who = `${role || 'signed out'} (${lang})`;
  const seen = new Set();
  const queue = [...KNOWN];
  let opened = 0;
  while (queue.length && opened < 60) {
    const path = queue.shift();
    if (seen.has(path)) continue;
    seen.add(path);
    let res;
    try {
      res = await page.goto(`${anju.base}${path}`);
    } catch (e) {
      // Chromium refuses to show an error status with an empty body.
      problems.push(`${who} ${path}: no page (${e.message.split('\n')[0]})`);
      // The tab is left on Chromium's own error page: start a fresh one.
      await page.close();
      page = await context.newPage();
      continue;
    }
    opened++;
    if (res && res.status() >= 500) problems.push(`${who} ${path}: HTTP ${res.status()}`);
    const { problem } = await overflow(page);
    if (problem) problems.push(`${who} ${path}: ${problem}`);
    for (const href of await page.$$eval('a[href]', (as) => as.map((a) => a.href))) {
      const next = followable(anju.base, href);
      if (next && !seen.has(next)) queue.push(next);
    }
  }
  await context.close();
  return seen;
}

test('every page every role reaches fits a 390px phone', async () => {
  const problems = [];
  const reached = new Set();
  for (const lang of ['zh', 'en']) {
    for (const role of ROLES) {
      for (const p of await crawl(role, lang, problems)) reached.add(p);
    }
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
