/**
 * The dashboard's Reset health button, as an operator uses it: a spread bot in a persisted EMERGENCY, the built
 * page in headless Chromium, the token pasted, one click — the page and the API then show HEALTHY, and the
 * database holds it for the next start. (The runner and its API run in this process; the page is the real one.)
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type ApiServer, startApiServer } from '../../src/api/server.ts';
import { createLogger } from '../../src/log/logger.ts';
import { paperReplayFactory } from '../../src/modes/paper.ts';
import { RunnerMetrics } from '../../src/runner/metrics.ts';
import { Runner } from '../../src/runner/runner.ts';
import { decodeJson } from '../../src/store/index.ts';
import { type TestDb, testDb } from '../../src/store/test-support/test-db.ts';
import { type HealthState, initialHealth, nextHealth } from '../../src/strategies/spread/health.ts';
import { spreadParams } from '../../src/strategies/spread/params.ts';
import { artifactsDir, chromiumMissing, launchChromium } from '../test-support/chromium.ts';
import { ensureWebBuild } from '../test-support/web-build.ts';

const TOKEN = 'reset-health-e2e';

describe('dashboard: Reset health leaves a persisted EMERGENCY', { skip: chromiumMissing }, () => {
  let t: TestDb;
  let runner: Runner;
  let api: ApiServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    ensureWebBuild();
    t = await testDb();
    runner = new Runner({
      db: t.db,
      mode: 'paper',
      openBot: paperReplayFactory({ speed: 3600, loop: true }),
      metrics: new RunnerMetrics(),
      logger: (botId) => createLogger({ write: () => {}, botId }),
    });
    await runner.ensureBots([
      {
        raw: { name: 'pair', strategy: 'spread', collateral: 1000, spread: { cycleIntervalSec: 3600 } },
        source: 'test',
      },
    ]);
    await runner.openAll();
    api = await startApiServer({ runner, token: TOKEN, port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1200 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    mkdirSync(artifactsDir, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await api?.close();
    await runner?.stop().catch(() => {});
    await t?.drop();
  });

  it('is shown for the spread bot, enabled only off HEALTHY, and one click resets it', async () => {
    const spread = runner.session('pair')?.engine.spread;
    assert.ok(spread);
    await page.goto(`${api.url}/#/bots/pair`);
    await page.locator('[data-testid="token-input"]').fill(TOKEN);
    await page.locator('[data-testid="token-save"]').click();
    const button = page.locator('[data-testid="btn-reset-health"]');
    await button.waitFor({ timeout: 15_000 });
    assert.equal(await button.isDisabled(), true, 'nothing to reset while HEALTHY');

    const breach: HealthState = nextHealth(
      initialHealth(),
      { type: 'RISK_BREACH', detail: 'A_liquidation_buffer: inside the buffer' },
      spreadParams({}),
    );
    spread.restoreHealth(breach);
    spread.onHealthChange?.(spread.health);
    await runner.flush();
    await page.locator('[data-testid="spread-health"][data-state="EMERGENCY"]').waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      () =>
        !(document.querySelector('[data-testid="btn-reset-health"]') as HTMLButtonElement | null)?.disabled,
      undefined,
      { timeout: 15_000 },
    );
    await page.screenshot({ path: join(artifactsDir, 'dashboard-emergency.png'), fullPage: true });
    await button.click();
    await page.locator('[data-testid="spread-health"][data-state="HEALTHY"]').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('[data-testid="command-status"]').getAttribute('data-ok'), 'true');
    assert.equal(spread.health.status, 'HEALTHY');
    await runner.flush();
    const row = (
      await t.db.query<{ health: unknown }>("select health from runner_bots where bot_id = 'pair'")
    )[0];
    assert.equal(decodeJson<HealthState>(row?.health).status, 'HEALTHY');
    assert.deepEqual(pageErrors, []);
  });
});
