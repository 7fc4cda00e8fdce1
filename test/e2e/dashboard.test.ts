/**
 * The dashboard, end to end: a real runner in paper mode (child process, temp PGlite, API_TOKEN), the built page
 * (web/dist) in Debian's headless Chromium. Page figures are read from `data-value` attributes and compared with
 * GET /api/bots/:id fetched at about the same moment; the bot keeps trading, so a comparison retries until page
 * and API agree within a small tolerance (a page that shows wrong numbers never converges and fails).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { artifactsDir, chromiumMissing, launchChromium } from '../test-support/chromium.ts';
import { type RunnerProcess, startRunner } from '../test-support/runner-process.ts';
import { ensureWebBuild } from '../test-support/web-build.ts';

interface Bot {
  id: string;
  name: string;
  strategy: 'grid' | 'spread';
  markets: string[];
  riskState: string;
  health: number;
  pnl: { unrealized: number; realized: number; funding: number; total: number };
  position: { market: string; base: number; entryPrice: number | null; markPrice: number };
  leverage: number;
  liqPrice: number | null;
  liqDistancePct: number | null;
  riskReasons: unknown[];
  openOrders: unknown[];
  params: Record<string, unknown>;
  range?: { lo: number; hi: number } | null;
  spread?: { zScore: number | null; health: string; legs: unknown[] };
}

async function api<T>(runner: RunnerProcess, path: string): Promise<T> {
  const res = await fetch(`${runner.base}${path}`);
  assert.equal(res.ok, true, `${path}: ${res.status}`);
  return (await res.json()) as T;
}

/** The page's figure: `data-value` as a number, null when the page shows none. */
async function figure(page: Page, testid: string): Promise<number | null> {
  const v = await page.locator(`[data-testid="${testid}"]`).first().getAttribute('data-value');
  return v === null || v === '' ? null : Number(v);
}

function near(a: number | null, b: number | null, relTol: number, absTol: number): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= Math.max(absTol, relTol * Math.max(Math.abs(a), Math.abs(b)));
}

/** Retries `check` (returning the mismatches) until it returns none, then fails with the last mismatches. */
async function eventually(check: () => Promise<string[]>, tries = 20, waitMs = 500): Promise<void> {
  let last: string[] = [];
  for (let i = 0; i < tries; i++) {
    last = await check();
    if (last.length === 0) return;
    await new Promise((r) => setTimeout(r, waitMs));
  }
  assert.fail(`page and API disagree:\n  ${last.join('\n  ')}`);
}

describe('dashboard (real runner, headless Chromium)', { skip: chromiumMissing }, () => {
  let runner: RunnerProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const foreignRequests: string[] = [];
  const cspViolations: string[] = [];

  before(async () => {
    ensureWebBuild();
    runner = await startRunner();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1300 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(runner.base)) foreignRequests.push(r.url());
    });
    mkdirSync(artifactsDir, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await runner?.stop();
  });

  it('serves the page under the strict CSP with no secret in it', async () => {
    const res = await fetch(`${runner.base}/`);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/, 'the runner sends its CSP');
    const html = await res.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    assert.doesNotMatch(html, /\sstyle=/, 'no inline style attribute');
    assert.doesNotMatch(html, /https?:\/\//, 'no external URL');
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.length >= 2, `the page loads its bundled script and stylesheet: ${assets.join(', ')}`);
    for (const a of assets) {
      const body = await (await fetch(`${runner.base}${a}`)).text();
      assert.equal(body.includes(runner.token), false, `${a} does not carry the API token`);
    }
  });

  it('overview lists every demo bot with its badge, PnL and health', async () => {
    const bots = await api<Bot[]>(runner, '/api/bots');
    assert.ok(bots.length >= 1, 'the paper runner starts demo bots');
    await page.goto(`${runner.base}/`);
    await page.locator('[data-testid="bot-row"]').first().waitFor({ timeout: 15_000 });
    const rows = await page.locator('[data-testid="bot-row"]').evaluateAll((els) =>
      els.map((el) => ({
        id: (el as HTMLElement).dataset.botId,
        name: el.querySelector('[data-testid="bot-name"]')?.textContent,
        badge: (el.querySelector('[data-testid="risk-badge"]') as HTMLElement | null)?.dataset.state,
        pnl: el.querySelector('[data-testid="bot-pnl"]')?.getAttribute('data-value'),
        health: el.querySelector('[data-testid="bot-health"]')?.getAttribute('data-value'),
      })),
    );
    assert.deepEqual(
      rows.map((r) => r.id).sort(),
      bots.map((b) => b.id).sort(),
      'one row per bot the API lists',
    );
    for (const r of rows) {
      const b = bots.find((x) => x.id === r.id)!;
      assert.equal(r.name, b.name);
      assert.ok(['normal', 'reduce_only', 'paused'].includes(r.badge ?? ''), `badge ${r.badge}`);
      assert.ok(r.pnl !== '' && Number.isFinite(Number(r.pnl)), `pnl shown for ${b.name}`);
      assert.ok(r.health !== '' && Number.isFinite(Number(r.health)), `health shown for ${b.name}`);
    }
    await page.screenshot({ path: join(artifactsDir, 'dashboard-overview.png') });
  });

  it('a grid bot view shows every field with the API numbers, the charts and the timeline', async () => {
    const bots = await api<Bot[]>(runner, '/api/bots');
    const grid = bots.find((b) => b.strategy === 'grid') ?? bots[0]!;
    await page.locator(`[data-testid="bot-row"][data-bot-id="${grid.id}"]`).click();
    await page.locator('[data-testid="bot-view"]').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('[data-testid="bot-title"]').textContent(), grid.name);

    const fields: Array<[string, (b: Bot) => number | null]> = [
      ['position-base', (b) => b.position.base],
      ['entry-price', (b) => b.position.entryPrice],
      ['mark-price', (b) => b.position.markPrice],
      ['leverage', (b) => b.leverage],
      ['liq-price', (b) => b.liqPrice],
      ['liq-distance', (b) => b.liqDistancePct],
      ['pnl-unrealized', (b) => b.pnl.unrealized],
      ['pnl-realized', (b) => b.pnl.realized],
      ['pnl-funding', (b) => b.pnl.funding],
      ['health', (b) => b.health],
    ];
    await eventually(async () => {
      const b = await api<Bot>(runner, `/api/bots/${grid.id}`);
      const bad: string[] = [];
      for (const [id, pick] of fields) {
        const shown = await figure(page, id);
        // Marks move between the two reads; 0.5% (or a cent) covers a 2 s poll, not a wrong field.
        if (!near(shown, pick(b), 0.005, 0.01)) bad.push(`${id}: page ${shown}, api ${pick(b)}`);
      }
      const badge = await page.locator('.bot-head [data-testid="risk-badge"]').getAttribute('data-state');
      if (badge !== b.riskState) bad.push(`risk badge: page ${badge}, api ${b.riskState}`);
      const reasons = Number(await page.locator('[data-testid="risk-reasons"]').getAttribute('data-count'));
      if (reasons !== b.riskReasons.length)
        bad.push(`risk reasons: page ${reasons}, api ${b.riskReasons.length}`);
      const orders = Number(await page.locator('[data-testid="open-orders"]').getAttribute('data-count'));
      if (orders !== b.openOrders.length) bad.push(`open orders: page ${orders}, api ${b.openOrders.length}`);
      const ladder = Number(
        await page.locator('[data-testid="price-chart"]').getAttribute('data-ladder-lines'),
      );
      if (ladder !== b.openOrders.length)
        bad.push(`ladder lines: page ${ladder}, api ${b.openOrders.length}`);
      const bias = await page.locator('[data-testid="grid-bias"]').textContent();
      if (bias !== String(b.params.bias)) bad.push(`bias: page ${bias}, api ${String(b.params.bias)}`);
      for (const k of ['lo', 'hi'] as const) {
        const shown = await figure(page, `range-${k}`);
        const want = b.range ? b.range[k] : null;
        if (!near(shown, want, 0.005, 0.01)) bad.push(`range ${k}: page ${shown}, api ${want}`);
      }
      return bad;
    });

    // Every strategy parameter is listed; the API the page reads never carries the token.
    const raw = await (await fetch(`${runner.base}/api/bots/${grid.id}`)).text();
    assert.equal(raw.includes(runner.token), false, 'the bot view API does not carry the token');
    const b = JSON.parse(raw) as Bot;
    for (const k of Object.keys(b.params).filter((k) => k !== 'bias')) {
      assert.equal(await page.locator(`[data-testid="param-${k}"]`).count(), 1, `param ${k} shown`);
    }
    // Both charts drew on their canvases; the timeline, fills and controls are there.
    for (const chart of ['price-chart', 'equity-chart']) {
      const canvases = await page.locator(`[data-testid="${chart}"] canvas`).count();
      assert.ok(canvases > 0, `${chart} has canvases`);
    }
    await page.locator('[data-testid="verdict-timeline"]').waitFor();
    await page.locator('[data-testid="fills-table"]').waitFor();
    for (const btn of ['btn-pause', 'btn-resume', 'btn-reduce-only']) {
      assert.equal(await page.locator(`[data-testid="${btn}"]`).count(), 1, `${btn} present`);
    }
    await page.screenshot({ path: join(artifactsDir, 'dashboard.png'), fullPage: true });
  });

  it('fills reach the fills table and the price chart as markers, as the API lists them', async () => {
    const bots = await api<Bot[]>(runner, '/api/bots');
    const grid = bots.find((b) => b.strategy === 'grid') ?? bots[0]!;
    // The demo replays data at 1800× real time; a grid 0.5% wide trades within seconds.
    let fills: { items: { id: string; market: string }[] } = { items: [] };
    for (let i = 0; i < 120 && fills.items.length === 0; i++) {
      fills = await api(runner, `/api/bots/${grid.id}/fills?limit=50`);
      if (fills.items.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(fills.items.length > 0, `no fill within 60 s:\n${runner.output()}`);
    await eventually(async () => {
      const api50 = await api<{ items: { id: string; market: string }[] }>(
        runner,
        `/api/bots/${grid.id}/fills?limit=50`,
      );
      const rows = await page.locator('[data-testid="fill-row"]').count();
      const markers = Number(
        await page.locator('[data-testid="price-chart"]').getAttribute('data-fill-markers'),
      );
      const onChart = api50.items.filter((f) => f.market === grid.markets[0]).length;
      const bad: string[] = [];
      if (rows !== api50.items.length) bad.push(`fill rows: page ${rows}, api ${api50.items.length}`);
      if (markers !== onChart) bad.push(`fill markers: page ${markers}, api ${onChart}`);
      return bad;
    });
    await page.screenshot({ path: join(artifactsDir, 'dashboard.png'), fullPage: true });
  });

  it('the spread bot view shows legs, z-score and its HEALTHY/DEGRADED/EMERGENCY state', async (t) => {
    const bots = await api<Bot[]>(runner, '/api/bots');
    const spread = bots.find((b) => b.strategy === 'spread');
    if (spread === undefined) {
      t.skip('the runner started no spread bot');
      return;
    }
    await page.goto(`${runner.base}/#/bots/${encodeURIComponent(spread.id)}`);
    await page.locator('[data-testid="spread-panel"]').waitFor({ timeout: 15_000 });
    await eventually(async () => {
      const b = await api<Bot>(runner, `/api/bots/${spread.id}`);
      const bad: string[] = [];
      const state = await page.locator('[data-testid="spread-health"]').getAttribute('data-state');
      if (state !== b.spread?.health) bad.push(`spread state: page ${state}, api ${b.spread?.health}`);
      const z = await figure(page, 'spread-zscore');
      if (!near(z, b.spread?.zScore ?? null, 0.01, 0.01))
        bad.push(`z-score: page ${z}, api ${b.spread?.zScore}`);
      const legs = await page.locator('[data-testid="spread-leg"]').count();
      if (legs !== (b.spread?.legs.length ?? 0)) bad.push(`legs: page ${legs}, api ${b.spread?.legs.length}`);
      return bad;
    });
    await page.screenshot({ path: join(artifactsDir, 'dashboard-spread.png'), fullPage: true });
  });

  it('Pause (with the pasted token) turns the badge to paused and the venue holds no order for the bot', async () => {
    const bots = await api<Bot[]>(runner, '/api/bots');
    const grid = bots.find((b) => b.strategy === 'grid') ?? bots[0]!;
    await page.goto(`${runner.base}/#/bots/${encodeURIComponent(grid.id)}`);
    await page.locator('[data-testid="bot-view"]').waitFor({ timeout: 15_000 });
    // Commands are disabled until the user gives the token; the page never got it from the server.
    assert.equal(await page.locator('[data-testid="btn-pause"]').isDisabled(), true);
    await page.locator('[data-testid="token-input"]').fill(runner.token);
    await page.locator('[data-testid="token-save"]').click();
    await page.locator('[data-testid="btn-pause"]').click();
    await page
      .locator('.bot-head [data-testid="risk-badge"][data-state="paused"]')
      .waitFor({ timeout: 30_000 });
    await eventually(
      async () => {
        const b = await api<Bot>(runner, `/api/bots/${grid.id}`);
        const bad: string[] = [];
        if (b.riskState !== 'paused') bad.push(`api riskState ${b.riskState}`);
        if (b.openOrders.length !== 0) bad.push(`api still lists ${b.openOrders.length} open orders`);
        return bad;
      },
      60,
      500,
    );
    const ordersShown = await page.locator('[data-testid="open-orders"]').getAttribute('data-count');
    await eventually(async () => {
      const n = await page.locator('[data-testid="open-orders"]').getAttribute('data-count');
      return n === '0' ? [] : [`page still shows ${n} open orders (was ${ordersShown})`];
    });
    assert.equal(await page.locator('[data-testid="command-status"]').getAttribute('data-ok'), 'true');
    await page.screenshot({ path: join(artifactsDir, 'dashboard-paused.png'), fullPage: true });
  });

  it('at desktop width: no unrounded number, leverage labelled, the objective history opens', async () => {
    await page.goto(`${runner.base}/#/bots/sol-grid`);
    await page.locator('[data-testid="verdict-row"]').first().waitFor({ timeout: 15_000 });
    const floats = await page.evaluate(() => document.body.innerText.match(/\d+\.\d{7,}/g) ?? []);
    assert.deepEqual(floats, [], 'every number on the page is rounded');
    assert.equal(
      await page.locator('dt', { hasText: 'Leverage' }).innerText(),
      'Leverage (incl. open orders)',
    );
    await page.locator('[data-testid="objective-history"] summary').click();
    // This runner may not serve the history yet (another branch adds it): either rows or the sentence saying so.
    await page
      .locator('[data-testid="objective-version"], [data-testid="objective-history-missing"]')
      .first()
      .waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(artifactsDir, 'dashboard-desktop-bot.png'), fullPage: true });
  });

  it('loaded nothing from outside the runner, broke no CSP rule and threw no error', () => {
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(cspViolations, []);
    assert.deepEqual(pageErrors, []);
  });
});
