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

function startServer(dataDir, today) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['serve', '--demo', '--demo-households', '12', '--listen', '127.0.0.1:0', '--today', today,
      '--database-url', `sqlite:${join(dataDir, 'anju.sqlite')}`, '--key-file', join(dataDir, 'anju.key')],
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
export function anjuWithBrowser({ tag, today = '2026-03-02', shotPrefix = '' }) {
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
    server = await startServer(dataDir, day);
    ctx.base = server.url;
  };
  before(async () => {
    server = await startServer(dataDir, today);
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
