import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { loadBacktestInputs, parseFileArg } from '../../src/backtest/load-inputs.ts';
import { renderReportHtml, reportHtmlParts } from '../../src/backtest/report-html.ts';
import { runBacktest } from '../../src/backtest/run-backtest.ts';
import { writeFileAtomic } from '../../src/cli/atomic-write.ts';
import { parseBotConfig } from '../../src/config/bot-config.ts';
import { readConfigFile } from '../../src/config/read-config-file.ts';
import { artifactsDir, chromiumMissing, launchChromium } from '../test-support/chromium.ts';

const root = new URL('../../', import.meta.url).pathname;

describe('report.html', { skip: chromiumMissing }, () => {
  it('renders its charts offline in headless Chromium', async () => {
    const config = parseBotConfig(readConfigFile(join(root, 'examples/sol-grid.yaml')), 'sol-grid.yaml');
    const inputs = await loadBacktestInputs(
      [parseFileArg(join(root, 'data/binance/SOLUSDT-spot-1m-2025-03.csv'))],
      [],
      config.markets,
    );
    const report = runBacktest({ config, events: inputs.events, replayFunding: false });
    mkdirSync(artifactsDir, { recursive: true });
    const file = join(artifactsDir, 'report.html');
    // written as the CLI writes it (in parts, encoded a part at a time): the bytes of the page's whole text
    writeFileAtomic(file, reportHtmlParts(report, 'sol-grid (grid)'));
    assert.ok(readFileSync(file).equals(Buffer.from(renderReportHtml(report, 'sol-grid (grid)'))));

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1800 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(() => document.body.dataset.rendered === 'true', undefined, {
        timeout: 15_000,
      });
      assert.deepEqual(errors, []);
      assert.deepEqual(
        requests.filter((u) => !u.startsWith('file:')),
        [],
        'the report loads nothing from the network',
      );
      // Each of the six charts draws on canvases with real pixels.
      const painted = await page.evaluate(() =>
        [...document.querySelectorAll('.chart')].map((el) =>
          [...el.querySelectorAll('canvas')].some((c) => {
            const ctx = (c as HTMLCanvasElement).getContext('2d');
            if (!ctx || c.width === 0 || c.height === 0) return false;
            const px = ctx.getImageData(0, 0, c.width, c.height).data;
            for (let i = 0; i < px.length; i += 4)
              if (px[i + 3] !== 0 && (px[i] < 200 || px[i + 1] < 200)) return true;
            return false;
          }),
        ),
      );
      assert.equal(painted.length, 6);
      assert.ok(painted.every(Boolean), `every chart painted something: ${JSON.stringify(painted)}`);
      await page.screenshot({ path: join(artifactsDir, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
