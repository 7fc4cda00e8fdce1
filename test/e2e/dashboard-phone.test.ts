/**
 * The dashboard on a phone (390 px wide, as an iPhone 12–15 in portrait) against a real runner in paper mode:
 * nothing wider than the screen (tables scroll inside their own box, the overview reflows into cards), no raw
 * float anywhere on the page, readable charts (thinned fill markers, a tooltip), leverage labelled with what it
 * includes, the objective history and the archive button. Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page, Route } from 'playwright-core';
import { artifactsDir, chromiumMissing, launchChromium } from '../test-support/chromium.ts';
import { type RunnerProcess, startRunner } from '../test-support/runner-process.ts';
import { ensureWebBuild } from '../test-support/web-build.ts';

const WIDTH = 390;

/** Elements whose right edge passes the viewport and that no scrolling box (inside the viewport) contains. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const vw = document.documentElement.clientWidth;
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= vw + 0.5) continue;
      let contained = false;
      for (let a = el.parentElement; a !== null && !contained; a = a.parentElement) {
        const o = getComputedStyle(a).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') {
          contained = a.getBoundingClientRect().right <= vw + 0.5;
        }
      }
      if (!contained) out.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(r.right)}`);
    }
    return out;
  });
}

/** Numbers printed with 7 or more decimals (e.g. −4.498997517577706): unrounded floats. */
async function rawFloats(page: Page): Promise<string[]> {
  return page.evaluate(() => document.body.innerText.match(/\d+\.\d{7,}/g) ?? []);
}

describe('dashboard on a 390 px phone (real runner, headless Chromium)', { skip: chromiumMissing }, () => {
  let runner: RunnerProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    ensureWebBuild();
    runner = await startRunner();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: WIDTH, height: 844 }, hasTouch: true });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    mkdirSync(artifactsDir, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await runner?.stop();
  });

  it('the overview fits: one card per bot, every figure inside the screen', async () => {
    await page.goto(`${runner.base}/`);
    await page.locator('[data-testid="bot-row"]').first().waitFor({ timeout: 15_000 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), WIDTH);
    assert.deepEqual(await overflowing(page), []);
    for (const id of ['bot-name', 'risk-badge', 'bot-equity', 'bot-pnl', 'bot-health']) {
      for (const box of await page
        .locator(`[data-testid="${id}"]`)
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect))) {
        assert.ok(box.left >= 0 && box.right <= WIDTH, `${id} is on screen: ${box.left}..${box.right}`);
      }
    }
    // Reflowed: a card's label comes from data-label (the table header is hidden).
    assert.equal(await page.locator('[data-testid="bot-list"] thead').isVisible(), false);
    assert.deepEqual(await rawFloats(page), []);
    await page.screenshot({ path: join(artifactsDir, 'dashboard-phone-overview.png'), fullPage: true });
  });

  it('the grid bot view fits; its tables scroll inside their box; no raw float; leverage says what it counts', async () => {
    // Wait for a fill so the chart has markers and the fills table rows.
    let fills = 0;
    for (let i = 0; i < 150 && fills === 0; i++) {
      const r = (await (await fetch(`${runner.base}/api/bots/sol-grid/fills?limit=50`)).json()) as {
        items: unknown[];
      };
      fills = r.items.length;
      if (fills === 0) await new Promise((res) => setTimeout(res, 500));
    }
    assert.ok(fills > 0, 'the demo grid traded');
    await page.goto(`${runner.base}/#/bots/sol-grid`);
    await page.locator('[data-testid="bot-view"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="fill-row"]').first().waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="verdict-row"]').first().waitFor({ timeout: 15_000 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), WIDTH);
    assert.deepEqual(await overflowing(page), []);
    for (const table of ['open-orders', 'fills-table', 'verdict-timeline']) {
      const box = await page.locator(`[data-testid="${table}"]`).evaluate((el) => {
        const wrap = el.closest('.table-wrap') ?? el;
        const r = wrap.getBoundingClientRect();
        return { right: r.right, overflowX: getComputedStyle(wrap).overflowX };
      });
      assert.ok(box.right <= WIDTH, `${table} box ends inside the screen (${box.right})`);
      assert.ok(['auto', 'scroll'].includes(box.overflowX), `${table} scrolls inside its box`);
    }
    assert.deepEqual(await rawFloats(page), [], 'no unrounded number, verdict bands included');
    const bands = await page.locator('[data-testid="verdict-band"]').allInnerTexts();
    assert.ok(bands.length > 0);
    for (const b of bands) assert.match(b, /^allowed \S+ … \S+, preferred \S+ \(base\)$/);

    const label = await page.locator('dt', { hasText: 'Leverage' }).innerText();
    assert.equal(label, 'Leverage (incl. open orders)');
    assert.match(await page.locator('[data-testid="leverage-note"]').innerText(), /every open order/);
    await page.screenshot({ path: join(artifactsDir, 'dashboard-phone-bot.png'), fullPage: true });
  });

  it('the price chart thins its fill markers to the width and shows a tooltip at the crosshair', async () => {
    const chart = page.locator('[data-testid="price-chart"]');
    await chart.scrollIntoViewIfNeeded();
    const fills = Number(await chart.getAttribute('data-fill-markers'));
    const drawn = Number(await chart.getAttribute('data-markers-drawn'));
    const width = (await chart.boundingBox())?.width ?? 0;
    assert.ok(fills > 0 && drawn > 0, `fills ${fills}, markers ${drawn}`);
    assert.ok(drawn <= Math.max(8, Math.floor(width / 24)), `${drawn} markers on a ${width} px chart`);
    assert.ok(drawn <= fills);
    const box = await chart.boundingBox();
    assert.ok(box);
    let tip = '';
    for (let x = box.width * 0.9; x > 10 && !/mark \d/.test(tip); x -= 15) {
      await page.mouse.move(box.x + x, box.y + box.height / 2);
      const t = page.locator('[data-testid="price-chart"] [data-testid="chart-tooltip"]');
      // visibility and text read together: the next crosshair event may hide the tip between two reads, and a
      // hidden element's innerText has no line breaks
      tip =
        (await t.count()) > 0
          ? await t.evaluate((el) => ((el as HTMLElement).hidden ? '' : (el as HTMLElement).innerText))
          : '';
    }
    assert.match(tip, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\nmark \d[\d,]*\.\d{2,4}/);
    assert.deepEqual(await rawFloats(page), []);
    await chart.screenshot({ path: join(artifactsDir, 'dashboard-phone-chart.png') });
  });

  it('the spread bot view fits too', async () => {
    await page.goto(`${runner.base}/#/bots/drift-kmno-spread`);
    await page.locator('[data-testid="spread-panel"]').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), WIDTH);
    assert.deepEqual(await overflowing(page), []);
    assert.deepEqual(await rawFloats(page), []);
    await page.screenshot({ path: join(artifactsDir, 'dashboard-phone-spread.png'), fullPage: true });
  });

  it('objective history: versions newest first with their changes (the runner’s list, or the API contract)', async () => {
    await page.goto(`${runner.base}/#/bots/sol-grid`);
    await page.locator('[data-testid="bot-view"]').waitFor({ timeout: 15_000 });
    const real = await fetch(`${runner.base}/api/bots/sol-grid/objectives`);
    // Until the runner serves the history (another branch adds GET /api/bots/:id/objectives), the page is
    // given a list in the documented shape, and shows the runner's 404 as a sentence.
    type Version = {
      version: number;
      createdAt?: number;
      note?: string;
      strategy?: string;
      params?: unknown;
      diff: { field: string; from?: unknown; to?: unknown }[];
    };
    let expected: Version[];
    if (real.status === 200) {
      expected = (await real.json()) as typeof expected;
    } else {
      await page.locator('[data-testid="objective-history"] summary').click();
      await page.locator('[data-testid="objective-history-missing"]').waitFor();
      await page.locator('[data-testid="objective-history"] summary').click();
      expected = [
        {
          version: 2,
          createdAt: Date.UTC(2025, 2, 9, 12),
          note: 'sol-grid.yaml changed',
          strategy: 'grid',
          params: {},
          diff: [
            { field: 'params.levels', from: 10, to: 12 },
            { field: 'params.stepPct', from: 0.5, to: 0.30000000000000004 },
            { field: 'risk.maxLeverage', to: 4 },
          ],
        },
        { version: 1, createdAt: Date.UTC(2025, 2, 8), strategy: 'grid', params: {}, diff: [] },
      ];
      await page.route('**/api/bots/sol-grid/objectives', (route: Route) =>
        route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(expected) }),
      );
    }
    await page.locator('[data-testid="objective-history"] summary').click();
    await page.locator('[data-testid="objective-version"]').first().waitFor();
    const versions = await page
      .locator('[data-testid="objective-version"]')
      .evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.version)));
    assert.deepEqual(
      versions,
      expected.map((v) => v.version),
    );
    const changes = await page.locator('[data-testid="objective-change"]').allInnerTexts();
    assert.equal(
      changes.length,
      expected.reduce((a, v) => a + v.diff.length, 0),
    );
    if (real.status !== 200) {
      assert.deepEqual(changes, [
        'params.levels 10 → 12',
        'params.stepPct 0.5 → 0.3',
        'risk.maxLeverage set to 4',
      ]);
    }
    assert.deepEqual(await overflowing(page), []);
    assert.deepEqual(await rawFloats(page), []);
    await page.locator('[data-testid="objective-history"]').screenshot({
      path: join(artifactsDir, 'dashboard-phone-history.png'),
    });
    await page.unroute('**/api/bots/sol-grid/objectives');
  });

  it('archive: needs the token, asks first, and sends DELETE /api/bots/:id', async () => {
    await page.goto(`${runner.base}/#/bots/sol-grid`);
    await page.locator('[data-testid="bot-view"]').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('[data-testid="btn-archive"]').isDisabled(), true, 'no token yet');
    await page.locator('[data-testid="token-input"]').fill(runner.token);
    await page.locator('[data-testid="token-save"]').click();
    const deletes: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'DELETE') deletes.push(`${new URL(r.url()).pathname} ${r.headers().authorization}`);
    });
    await page.locator('[data-testid="btn-archive"]').click();
    assert.match(await page.locator('[data-testid="archive-question"]').innerText(), /^Archive sol-grid\?/);
    await page.locator('[data-testid="btn-archive-cancel"]').click();
    assert.deepEqual(deletes, [], 'cancel sends nothing');
    await page.locator('[data-testid="btn-archive"]').click();
    await page.locator('[data-testid="btn-archive-confirm"]').click();
    await page.waitForTimeout(500);
    assert.deepEqual(deletes, [`/api/bots/sol-grid Bearer ${runner.token}`]);
    const list = (await (await fetch(`${runner.base}/api/bots`)).json()) as { id: string }[];
    if (list.some((b) => b.id === 'sol-grid')) {
      // This runner has no archive route yet: the page says so in one line and stays.
      assert.match(await page.locator('[data-testid="archive-error"]').innerText(), /^archive: 40[45] /);
      assert.equal(await page.locator('[data-testid="bot-view"]').count(), 1);
      // The success path against the documented answer: back to the overview.
      await page.route('**/api/bots/sol-grid', (route: Route) =>
        route.request().method() === 'DELETE'
          ? route.fulfill({
              status: 200,
              contentType: 'application/json',
              body: '{"id":"sol-grid","status":"archived"}',
            })
          : route.continue(),
      );
      await page.locator('[data-testid="btn-archive"]').click();
      await page.locator('[data-testid="btn-archive-confirm"]').click();
      await page.locator('[data-testid="overview"]').waitFor({ timeout: 5000 });
      await page.unroute('**/api/bots/sol-grid');
    } else {
      await page.locator('[data-testid="overview"]').waitFor({ timeout: 5000 });
      await page.waitForTimeout(2500);
      assert.equal(
        await page.locator('[data-bot-id="sol-grid"]').count(),
        0,
        'the archived bot left the list',
      );
    }
  });

  it('threw no page error', () => {
    assert.deepEqual(pageErrors, []);
  });
});
