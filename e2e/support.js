// What every browser test file needs: a fresh `anju serve --demo` on its
// own SQLite file with a pinned date, Debian's chromium (driven by
// playwright-core), sign-in and sign-out, and screenshots kept in
// e2e/artifacts/.

import { before, after } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const bin = process.env.ANJU_BIN || join(repo, 'target', 'debug', 'anju');
const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });

export const PASSWORD = 'anju-demo-2026';

// A phone's screen (an iPhone 12–15 in CSS pixels).
export const PHONE = { width: 390, height: 844 };

// What keeps a page from fitting a phone: how much wider than the viewport
// the document is (`over`, 0 when it fits; 1 px of rounding allowed) and
// the innermost elements that stick out (outside a `.scroll` box, which
// scrolls on its own); and table cells squeezed so narrow that their words
// stand one character a line (a wide table that neither scrolls nor turns
// into cards). `problem` says it in words, or is empty.
export async function overflow(page) {
  return page.evaluate(() => {
    const vw = window.innerWidth;
    const describe = (el, r) => {
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().replace(/\s+/g, '.')}` : '';
      return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} (${Math.round(r.left)}–${Math.round(r.right)}px): ${el.textContent.trim().slice(0, 50)}`;
    };
    const over = Math.max(0, document.documentElement.scrollWidth - vw);
    const culprits = [];
    if (over > 1) {
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right <= vw + 1 || el.closest('.scroll')) continue;
        if ([...el.children].some((k) => k.getBoundingClientRect().right > vw + 1)) continue;
        culprits.push(describe(el, r));
      }
    }
    const squeezed = [];
    for (const cell of document.querySelectorAll('td, th')) {
      const text = cell.innerText.trim();
      if ([...text].length < 4 || !cell.offsetParent) continue;
      const st = getComputedStyle(cell);
      const inner = cell.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
      if (inner < 2.5 * parseFloat(st.fontSize)) squeezed.push(describe(cell, cell.getBoundingClientRect()));
    }
    const problem = [
      over > 1 ? `${over}px wider than the ${vw}px screen:\n    ${culprits.slice(0, 6).join('\n    ')}` : '',
      squeezed.length ? `table cells squeezed to a character a line:\n    ${squeezed.slice(0, 6).join('\n    ')}` : '',
    ].filter(Boolean).join('\n  ');
    return { over: over > 1 ? over : 0, problem };
  });
}

// Routes every role is sent to, whether or not a page links there.
export const KNOWN = [
  '/', '/self-check', '/apply', '/notices', '/notices?print=1', '/waitlist', '/work', '/projects',
  '/projects/YQ-2026-01', '/projects/PD-2026-01', '/audit-log', '/login',
  '/lottery', '/no-such-page', '/applications/A-0000-000000',
  '/verify/public_security', '/verify/natural_resources',
  '/holdings', '/holdings/campaigns', '/holdings/mine', '/tips', '/tips/status', '/messages',
];

export const ROLES = [
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

// Opens, at 390 px, every page `role` reaches in `lang` (the known routes
// and every link found on the pages, up to `limit` pages), and adds to
// `problems` what `check(page, path)` finds on each (a list of words),
// an error status or a page Chromium cannot show. Returns the paths opened.
export async function crawlSite(anju, { role, lang, problems, limit = 60 }, check) {
  const context = await anju.browser.newContext({ viewport: PHONE });
  let page = await context.newPage();
  // The language is a cookie: English words are longer and wrap elsewhere.
  await page.goto(`${anju.base}/?lang=${lang}`);
  if (role) await anju.login(page, role);
  const who = `${role || 'signed out'} (${lang})`;
  const seen = new Set();
  const queue = [...KNOWN];
  let opened = 0;
  while (queue.length && opened < limit) {
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
    for (const problem of await check(page, path)) problems.push(`${who} ${path}: ${problem}`);
    for (const href of await page.$$eval('a[href]', (as) => as.map((a) => a.href))) {
      const next = followable(anju.base, href);
      if (next && !seen.has(next)) queue.push(next);
    }
  }
  await context.close();
  return seen;
}

function startServer(dataDir, today, policy) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['serve', '--demo', '--demo-households', '12', '--listen', '127.0.0.1:0', '--today', today,
      '--database-url', `sqlite:${join(dataDir, 'anju.sqlite')}`, '--key-file', join(dataDir, 'anju.key'),
      ...(policy ? ['--policy', policy] : [])],
      { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 120000);
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/(127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve({ p, url: `http://${m[1]}` }); }
    });
    p.stderr.on('data', (d) => { out += d; });
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${out}`)); });
  });
}

async function stopServer(server) {
  if (!server) return;
  const p = server.p;
  p.removeAllListeners('exit');
  await new Promise((r) => { p.on('exit', r); p.kill('SIGTERM'); });
}

// Registers the file's before/after hooks; `ctx.base` and `ctx.browser`
// are set once the `before` hook has run (and `ctx.base` again by
// `ctx.restart`).
export function anjuWithBrowser({ tag, today = '2026-03-02', shotPrefix = '', policy = undefined }) {
  const ctx = { base: undefined, browser: undefined };
  // Every page runs under anju's Content-Security-Policy: anything the
  // browser refuses under it (an inline script or style) fails the file.
  const violations = [];
  const watch = (page) => page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
  });
  const dataDir = mkdtempSync(join(tmpdir(), `anju-e2e-${tag}-`));
  let server;
  // Stops the server and starts it again on the same data on another day.
  ctx.restart = async (day) => {
    await stopServer(server);
    server = await startServer(dataDir, day, policy);
    ctx.base = server.url;
  };
  before(async () => {
    server = await startServer(dataDir, today, policy);
    ctx.base = server.url;
    ctx.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const newPage = ctx.browser.newPage.bind(ctx.browser);
    ctx.browser.newPage = async (...a) => { const p = await newPage(...a); watch(p); return p; };
    const newContext = ctx.browser.newContext.bind(ctx.browser);
    ctx.browser.newContext = async (...a) => { const c = await newContext(...a); c.on('page', watch); return c; };
  });
  after(async () => {
    if (ctx.browser) await ctx.browser.close();
    await stopServer(server);
    if (violations.length) throw new Error(`Content-Security-Policy violations:\n${violations.join('\n')}`);
  });
  // Every page a journey photographs must also fit a phone: the page is
  // measured (and photographed) at 390 px too, whatever state it shows.
  ctx.shot = async (page, name) => {
    const size = page.viewportSize();
    await page.setViewportSize(PHONE);
    const { problem } = await overflow(page);
    await page.screenshot({ path: join(artifacts, `${shotPrefix}${name}-390.png`), fullPage: true });
    if (size) await page.setViewportSize(size);
    await page.screenshot({ path: join(artifacts, `${shotPrefix}${name}.png`), fullPage: true });
    if (problem) throw new Error(`${name} (${page.url()}) does not fit a 390px phone: ${problem}`);
    // Wide screens squeeze table columns too (a long seed beside a link).
    const wide = await overflow(page);
    if (wide.problem) throw new Error(`${name} (${page.url()}) at ${size ? size.width : '?'}px: ${wide.problem}`);
  };
  ctx.login = async (page, username) => {
    await page.goto(`${ctx.base}/login`);
    await page.fill('#username', username);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('#login-submit')]);
  };
  ctx.logout = async (page) => {
    await Promise.all([page.waitForNavigation(), page.click('#logout')]);
  };
  return ctx;
}
